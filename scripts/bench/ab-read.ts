/**
 * ts-node scripts/bench/ab-read.ts <main.js A> <main.js B> [rounds] [seconds] [scenario]
 *
 * A cached read (scenario: product-read, the default; order-read; catalog-page, as in
 * npm run bench) of two builds side by side: both run at once on one database (SQLite by
 * default, or DATABASE_URL / REDIS_URL), seeded once, and are loaded in turns A B A B ...
 * so that drift of the machine hits both alike. Prints each round and the medians.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from './load';
import { benchEnv, freePort, Server, startNode } from './processes';
import { seed } from './seed';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const [mainA, mainB, roundsArg, secondsArg, scenario = 'product-read'] = process.argv.slice(2);
  if (!['product-read', 'order-read', 'catalog-page'].includes(scenario))
    throw new Error(`unknown scenario ${scenario}`);
  if (!mainA || !mainB) throw new Error('usage: ab-read.ts <main.js A> <main.js B> [rounds] [s]');
  const rounds = Number(roundsArg ?? 5);
  const seconds = Number(secondsArg ?? 5);
  const databaseUrl =
    process.env.DATABASE_URL ??
    `sqlite:${join(mkdtempSync(join(tmpdir(), 'sf-ab-')), 'ab.sqlite')}`;
  const common = { ...benchEnv(databaseUrl, process.env.REDIS_URL), CACHE_TTL: '60' };
  const args = (main: string) => ['--max-old-space-size=192', main];
  const servers: Server[] = [];
  try {
    const a = await startNode(args(mainA), common, await freePort(), '/api/v1/health');
    servers.push(a);
    const data = await seed(a.url, true);
    const b = await startNode(
      args(mainB),
      { ...common, DATABASE_MIGRATIONS_RUN: 'false' },
      await freePort(),
      '/api/v1/health',
    );
    servers.push(b);
    let i = 0;
    const pick = <T>(xs: T[]) => xs[i++ % xs.length];
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    const next =
      scenario === 'order-read'
        ? () => {
            const o = pick(data.orders);
            return { path: `/api/v1/orders/${o.id}`, headers: auth(o.token) };
          }
        : scenario === 'catalog-page'
          ? () => ({
              path: `/api/v1/products?page=${(i % 5) + 1}&limit=20&sort=-price`,
              headers: auth(pick(data.customers).token),
            })
          : () => ({
              path: `/api/v1/products/${pick(data.productIds)}`,
              headers: auth(pick(data.customers).token),
            });
    const results: Record<'A' | 'B', number[]> = { A: [], B: [] };
    for (let round = 0; round < rounds; round++) {
      for (const [name, server] of [
        ['A', a],
        ['B', b],
      ] as const) {
        await load({ name, url: server.url, seconds: 1, next });
        const r = await load({ name, url: server.url, seconds, next });
        if (r.non2xx || r.errors)
          throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
        results[name].push(r.reqPerSec);
        console.log(`round ${round + 1} ${name}: ${r.reqPerSec} req/s p99 ${r.p99} ms`);
      }
    }
    const [ma, mb] = [median(results.A), median(results.B)];
    // Each round's B/A too: neighbours in time see the same load from outside.
    const pairs = median(results.B.map((b, k) => b / results.A[k]));
    console.log(
      `${scenario}: median A ${ma} req/s, B ${mb} req/s, B/A ${(mb / ma).toFixed(3)}; median of the rounds' B/A ${pairs.toFixed(3)}`,
    );
  } finally {
    for (const s of servers) await s.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
