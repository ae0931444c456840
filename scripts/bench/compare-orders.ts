/**
 * Side by side: place-order and cart checkout of two builds, interleaved A B A B on fresh
 * databases, medians printed. Each build is a checkout of the project with `nest build`
 * done (its dist/ is run as `npm run start:prod` runs it).
 *
 *   npx ts-node scripts/bench/compare-orders.ts <dir A> <dir B> [rounds=3]
 *
 * DATABASE_URL (a MySQL URL: that database is dropped and created before each run; default
 * a fresh SQLite file per run) and REDIS_URL as for npm run bench.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import autocannon from 'autocannon';
import { load } from './load';
import { benchEnv, freePort } from './processes';
import { seed } from './seed';

const SECONDS = 10;
const CONNECTIONS = 50;

async function api<T>(url: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function freshDatabase(): Promise<string> {
  const url = process.env.DATABASE_URL;
  if (!url?.startsWith('mysql'))
    return `sqlite:${join(mkdtempSync(join(tmpdir(), 'sf-cmp-')), 'b.sqlite')}`;
  const u = new URL(url);
  const name = u.pathname.slice(1);
  const conn = await createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: u.username,
  });
  await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.query(`CREATE DATABASE \`${name}\``);
  await conn.end();
  return url;
}

/** One shopper per connection, so concurrent checkouts never share a cart. */
async function shoppers(url: string, adminToken: string, n: number): Promise<string[]> {
  const run = Date.now().toString(36);
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = await api<{ id: number }>(url, 'POST', '/customers', adminToken, {
      name: `Shopper ${i}`,
      email: `shopper-${run}-${i}@example.com`,
      phone: `+49152000${String(i).padStart(5, '0')}`,
    });
    const username = `shopper-${run}-${i}`;
    await api(url, 'POST', '/accounts', adminToken, {
      username,
      password: 'bench-password',
      customerId: c.id,
    });
    const t = await api<{ accessToken: string }>(url, 'POST', '/auth/login', undefined, {
      username,
      password: 'bench-password',
    });
    tokens.push(t.accessToken);
  }
  return tokens;
}

async function runOnce(dir: string): Promise<{ placeOrder: number; checkout: number }> {
  const databaseUrl = await freshDatabase();
  const port = await freePort();
  const proc = spawn(process.execPath, ['--max-old-space-size=192', 'dist/src/main.js'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      ...benchEnv(databaseUrl, process.env.REDIS_URL),
      CACHE_TTL: '60',
      PORT: String(port),
    },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (i > 300) throw new Error(`${dir} did not start`);
      if (
        await fetch(`${url}/api/v1/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const data = await seed(url, true);
    const tokens = await shoppers(url, data.adminToken, CONNECTIONS + 10);
    let i = 0;
    const pick = <T>(xs: T[]) => xs[i++ % xs.length];
    const placeNext = () => ({
      path: '/api/v1/orders',
      headers: { authorization: `Bearer ${pick(data.customers).token}` },
      body: JSON.stringify({ items: [{ productId: pick(data.productIds), quantity: 1 }] }),
    });
    await load({ name: 'warm', url, seconds: 3, method: 'POST', next: placeNext });
    const place = await load({
      name: 'place-order',
      url,
      seconds: SECONDS,
      method: 'POST',
      next: placeNext,
    });
    const checkouts = await checkoutLoad(url, tokens, data.productIds);
    if ((place.statuses['500'] ?? 0) > 0) throw new Error('500s');
    return { placeOrder: place.reqPerSec, checkout: checkouts };
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
}

/**
 * Checkouts per second: each connection puts a line into a cart, then checks it out. A
 * cart is taken from a pool for the pair and given back after its checkout, so no two
 * connections ever share one (autocannon resets a connection's context every cycle).
 */
function checkoutLoad(url: string, tokens: string[], productIds: number[]): Promise<number> {
  const free = [...tokens];
  let i = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: CONNECTIONS,
        duration: SECONDS,
        requests: [
          {
            method: 'PUT',
            setupRequest: (req, context: object) => {
              const ctx = context as { token?: string };
              ctx.token = free.pop() ?? tokens[0];
              return {
                ...req,
                path: `/api/v1/cart/items/${productIds[i++ % productIds.length]}`,
                headers: {
                  authorization: `Bearer ${ctx.token}`,
                  'content-type': 'application/json',
                },
                body: '{"quantity":1}',
              };
            },
          },
          {
            method: 'POST',
            setupRequest: (req, context: object) => ({
              ...req,
              path: '/api/v1/cart/checkout',
              headers: { authorization: `Bearer ${(context as { token: string }).token}` },
            }),
            onResponse: (_status, _body, context: object) => {
              free.push((context as { token: string }).token);
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        const created = result.statusCodeStats?.['201']?.count ?? 0;
        if ((result.statusCodeStats?.['500']?.count ?? 0) > 0) return reject(new Error('500s'));
        resolve(Math.round(created / SECONDS));
      },
    );
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const [a, b, roundsArg] = process.argv.slice(2);
  const rounds = Number(roundsArg ?? 3);
  const results: Record<string, { placeOrder: number; checkout: number }[]> = { [a]: [], [b]: [] };
  for (let r = 0; r < rounds; r++) {
    for (const dir of [a, b]) {
      const res = await runOnce(dir);
      results[dir].push(res);
      console.log(
        `round ${r + 1} ${dir}: place-order ${res.placeOrder}/s, checkout ${res.checkout}/s`,
      );
    }
  }
  for (const key of ['placeOrder', 'checkout'] as const) {
    const ma = median(results[a].map((x) => x[key]));
    const mb = median(results[b].map((x) => x[key]));
    console.log(`${key}: A ${ma}/s, B ${mb}/s, B/A ${(mb / ma).toFixed(2)}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
