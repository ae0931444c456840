import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface Server {
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
  rssMb(): number;
}

async function waitFor(url: string, proc: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`server exited early:\n${log()}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      /* not yet listening */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not start:\n${log()}`);
}

function rssOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

/** Starts a node process running `script` with `env`; resolves once `readyPath` answers. */
export async function startNode(
  args: string[],
  env: Record<string, string | undefined>,
  port: number,
  readyPath: string,
): Promise<Server> {
  let output = '';
  const proc = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  proc.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(url + readyPath, proc, () => output);
  return {
    url,
    proc,
    rssMb: () => rssOf(proc.pid),
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

/** The framework-free read baseline: bare Fastify answering the very bytes of a product read. */
export async function startBareServer(
  appUrl: string,
  productId: number,
  token: string,
): Promise<Server> {
  const res = await fetch(`${appUrl}/api/v1/products/${productId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return startNode(
    ['scripts/bench/bare-server.js'],
    { BENCH_BODY: await res.text() },
    await freePort(),
    '/health',
  );
}

/** The environment the benchmark runs the app with: production, quiet, rate limit raised. */
export function benchEnv(
  databaseUrl: string,
  redisUrl: string | undefined,
): Record<string, string | undefined> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    // Production refuses a secret that is plainly not random (env.validation.ts).
    JWT_SECRET: 'bench-Xq7vL2mK9tRw4ZpB8nJc3HfY6sGd5',
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD: 'bench-admin-password',
    BCRYPT_COST: '10',
    THROTTLE_LIMIT: '1000000000',
    // A real login limit (10x the default, for repeated runs' sign-ins within its window):
    // the hostile-bodies client is counted against it (src/rate-limit/refused-bodies.ts).
    LOGIN_THROTTLE_LIMIT: '100',
    // The seeded sessions outlive a whole run (a full MariaDB run takes longer than the
    // default 15 minutes: its last scenario's reads would be 401s).
    JWT_EXPIRES_IN: '4h',
    LOG_LEVEL: 'warn',
    // No load balancer to wait for: stop at once between runs.
    SHUTDOWN_DRAIN: '0',
  };
}
