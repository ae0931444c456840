/**
 * npx ts-node scripts/bench/place-order-ratio.ts [seconds]
 *
 * The place-order target alone: starts the built app (run `npx nest build` first) as
 * start:prod does, seeds it, loads POST /orders with 50 connections, then runs the
 * driver baseline (the app's own order script straight on the driver, same database)
 * and prints both and their ratio. For before/after comparisons of a change to the
 * order's statements: run it in each checkout, alternating, and compare the ratios.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driverPlaceOrderBaselines } from './driver-baseline';
import { load } from './load';
import { benchEnv, freePort, ROOT, Server, startNode } from './processes';
import { seed } from './seed';

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 8);
  const databaseUrl =
    process.env.DATABASE_URL ??
    `sqlite:${join(mkdtempSync(join(tmpdir(), 'sf-ratio-db-')), 'r.sqlite')}`;
  const env = { ...benchEnv(databaseUrl, process.env.REDIS_URL), CACHE_TTL: '60' };
  let server: Server | undefined;
  try {
    server = await startNode(
      ['--max-old-space-size=192', join(ROOT, 'dist/src/main.js')],
      env,
      await freePort(),
      '/api/v1/health',
    );
    const data = await seed(server.url, true);
    let i = 0;
    const pick = <T>(xs: T[]) => xs[i++ % xs.length];
    const next = () => ({
      path: '/api/v1/orders',
      headers: { authorization: `Bearer ${pick(data.customers).token}` },
      body: JSON.stringify({ items: [{ productId: pick(data.productIds), quantity: 1 }] }),
    });
    await load({ name: 'place-order', url: server.url, seconds: 2, next, method: 'POST' });
    const app = await load({ name: 'place-order', url: server.url, seconds, next, method: 'POST' });
    await server.stop();
    server = undefined;
    const { app: driver } = await driverPlaceOrderBaselines(databaseUrl, data, 2, seconds);
    const ratio = driver.reqPerSec > 0 ? app.reqPerSec / driver.reqPerSec : 0;
    console.log(
      `place-order ${app.reqPerSec} req/s (p99 ${app.p99} ms, non-2xx ${app.non2xx}); ` +
        `driver ${driver.reqPerSec} tx/s; ratio ${(100 * ratio).toFixed(0)}%`,
    );
  } finally {
    await server?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
