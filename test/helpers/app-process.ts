import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { ADMIN, redisKeyPrefixOf, redisUrl } from './test-app';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');
/** What `nest build` reads: a change to any of these makes dist stale. */
const BUILD_INPUTS = [
  'src',
  'nest-cli.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
];

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path)
    .filter((name) => !name.endsWith('.spec.ts'))
    .reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), stat.mtimeMs);
}

/**
 * The tests below run dist/src/main.js, the file production runs. It is built here when it
 * is missing or older than its sources, so `npm test` on a fresh clone needs no step before,
 * and a second run (CI runs the suite twice) reuses the build.
 */
export function ensureBuild(): void {
  const inputs = BUILD_INPUTS.map((p) => join(ROOT, p)).filter((p) => existsSync(p));
  const newest = Math.max(...inputs.map(newestChange));
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs >= newest) return;
  execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export interface AppProcess {
  baseUrl: string;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the process wrote, for failure messages. */
  output(): string;
}

/**
 * Starts the built app as production runs it (NODE_ENV=production, a real JWT secret,
 * bcrypt cost 10) on a free port of 127.0.0.1; resolves once it listens.
 */
export async function startAppProcess(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<AppProcess> {
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: databaseUrl,
      DATABASE_MIGRATIONS_RUN: 'true',
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      // The prefix of this database's own keys: a database dropped and created again under
      // the same name must not meet the keys of its previous life.
      ...(redisKeyPrefixOf(databaseUrl) ? { REDIS_KEY_PREFIX: redisKeyPrefixOf(databaseUrl) } : {}),
      JWT_SECRET: 'process-e2e-secret-that-is-at-least-32-bytes',
      BCRYPT_COST: '10',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      THROTTLE_LIMIT: '100000',
      LOGIN_THROTTLE_LIMIT: '100000',
      LOG_LEVEL: 'info',
      NO_COLOR: '1',
      ...env,
    },
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 30 s:\n${out}`)), 30_000);
    const look = () => {
      const match = /Storefront API on (http:\/\/[\d.]+:\d+)\/api\/v1/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', look);
      resolve(match[1]);
    };
    child.stdout?.on('data', look);
    void exited.then(({ code }) => reject(new Error(`exited with ${code} at start:\n${out}`)));
  });
  return { baseUrl, child, exited, output: () => out };
}

/** Stops a process a test left running (a failed assertion), so Jest can end. */
export async function killAppProcess(p: AppProcess | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGKILL');
  await p.exited;
}

export interface RawAnswer {
  status?: number;
  contentType?: string;
  body?: string;
  /** A transport failure instead of an answer (ECONNRESET, socket hang up, ECONNREFUSED). */
  error?: string;
}

/**
 * One request on a connection of its own (no keep-alive pool), as a burst of clients
 * sends them. `sent` resolves once the whole request has been handed to the kernel.
 */
export function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): { sent: Promise<void>; answer: Promise<RawAnswer> } {
  const url = new URL(`/api/v1${path}`, baseUrl);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  let markSent: () => void = () => undefined;
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const answer = new Promise<RawAnswer>((resolve) => {
    const req = request(
      url,
      {
        method,
        agent: false,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () =>
          resolve({ status: res.statusCode, contentType: res.headers['content-type'], body: text }),
        );
        res.on('error', (err) => resolve({ error: err.message }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      markSent();
      resolve({ error: err.code ?? err.message });
    });
    req.on('finish', markSent);
    req.end(body);
  });
  return { sent, answer };
}
