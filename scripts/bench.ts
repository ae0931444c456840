/**
 * npm run bench [-- --quick]
 *
 * Builds, starts the production build against DATABASE_URL (SQLite by default) and
 * REDIS_URL (optional), seeds, and measures each scenario with autocannon at 50
 * connections, side by side with two baselines in the same run: a bare Fastify server
 * serving the very bytes of product-read, and the place-order transaction's statements
 * (the app's own order script) issued directly through the database driver. Prints a
 * table and writes docs/benchmarks.md.
 *
 * `-- --mixed` runs only the mixed scenario (readers while orders flow: bench/mixed.ts).
 * npm run bench -- --size N: the benchmark at size instead (bench/size.ts), 1,000 rows
 * against N; --quick runs it too, at QUICK_SIZE.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { openDriverBaselines } from './bench/driver-baseline';
import { hostileBodies, type HostileResult } from './bench/hostile';
import { load, LoadResult } from './bench/load';
import { mixedScenario, renderMixed, seedMixedCatalog } from './bench/mixed';
import { benchEnv, freePort, ROOT, Server, startBareServer, startNode } from './bench/processes';
import { seed } from './bench/seed';
import { sizeBench } from './bench/size';

const quick = process.argv.includes('--quick');
/** `--only=hostile`: seed, then the hostile-bodies scenario alone (printed, not written). */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const WARM = quick ? 1 : 3;
const SECONDS = quick ? 2 : 10;
/** Interleaved rounds of every side-by-side measurement (scenario, baseline, scenario...). */
const ROUNDS = quick ? 1 : 5;
const mixedOnly = process.argv.includes('--mixed');
const sizeArg = process.argv.indexOf('--size');
const size = sizeArg >= 0 ? Number(process.argv[sizeArg + 1]) : undefined;
/** The benchmark at size in --quick: enough rows to break, not to time. */
const QUICK_SIZE = 20_000;

type Next = () => { path: string; headers?: Record<string, string>; body?: string };

/** A scenario and its baselines in turns: each side's median round, and median ratios. */
interface SideBySide {
  a: LoadResult;
  b: LoadResult[];
  /** Per baseline: the median over the rounds of (scenario / baseline) in that round. */
  ratios: number[];
}

const medianOf = <T>(xs: T[], by: (x: T) => number): T =>
  [...xs].sort((x, y) => by(x) - by(y))[Math.floor((xs.length - 1) / 2)];

/**
 * A B A B ...: ROUNDS rounds of SECONDS / 2 each, after a warm-up of each side, so that
 * the machine's drift (it runs 10x slower when other work runs) falls on both sides alike.
 */
async function sideBySide(
  name: string,
  [scenario, ...baselines]: ((seconds: number) => Promise<LoadResult>)[],
  warm: number,
): Promise<SideBySide> {
  for (const run of [scenario, ...baselines]) await run(warm);
  const rounds: LoadResult[][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const results: LoadResult[] = [];
    for (const run of [scenario, ...baselines]) results.push(await run(SECONDS / 2));
    rounds.push(results);
    console.log(
      `${name} round ${round + 1}: ${results.map((r) => `${r.name} ${r.reqPerSec}/s p99 ${r.p99} ms`).join('; ')}`,
    );
  }
  const side = (k: number) =>
    medianOf(
      rounds.map((r) => r[k]),
      (r) => r.reqPerSec,
    );
  const ratios = baselines.map((_, k) => {
    const each = rounds.map((r) => r[0].reqPerSec / Math.max(1, r[k + 1].reqPerSec));
    return medianOf(each, (x) => x);
  });
  return { a: side(0), b: baselines.map((_, k) => side(k + 1)), ratios };
}

interface Row extends LoadResult {
  baseline?: string;
  ratio?: number;
  target?: string;
}

/**
 * The server runs exactly as `npm run start:prod` runs it (same node flags: the heap cap
 * is part of the product, sized for its bounded caches).
 */
function prodNodeArgs(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = pkg.scripts['start:prod'].split(/\s+/);
  return words.slice(1).map((w) => (w === 'dist/src/main' ? 'dist/src/main.js' : w));
}

async function atSize(n: number): Promise<void> {
  const report = await sizeBench(n, quick);
  console.log(report);
  if (!quick) writeSection(`size-${process.env.DATABASE_URL ? 'mysql' : 'sqlite'}`, report);
}

async function main(): Promise<void> {
  console.log('building...');
  execSync('npx nest build', { cwd: ROOT, stdio: 'inherit' });
  if (size !== undefined) {
    if (!Number.isInteger(size) || size < 1000 || size > 1_000_000) {
      throw new Error('--size takes a whole number from 1000 to 1000000');
    }
    return atSize(size);
  }
  const databaseUrl =
    process.env.DATABASE_URL ??
    `sqlite:${join(mkdtempSync(join(tmpdir(), 'sf-bench-')), 'bench.sqlite')}`;
  const redisUrl = process.env.REDIS_URL;
  const common = benchEnv(databaseUrl, redisUrl);
  const servers: Server[] = [];
  const rows: Row[] = [];
  try {
    const app = await startNode(
      prodNodeArgs(),
      { ...common, CACHE_TTL: '60' },
      await freePort(),
      '/api/v1/health',
    );
    servers.push(app);
    console.log(`seeding ${databaseUrl.replace(/\/\/[^@]*@/, '//***@')}...`);
    const data = await seed(app.url, quick);
    // A second instance with the cache off, same database, for catalog-page uncached.
    const noCache = await startNode(
      prodNodeArgs(),
      { ...common, CACHE_TTL: '0', DATABASE_MIGRATIONS_RUN: 'false' },
      await freePort(),
      '/api/v1/health',
    );
    servers.push(noCache);
    const dbName = databaseUrl.startsWith('sqlite') ? 'sqlite' : 'mysql';
    const runMixed = async () => {
      const ids = await seedMixedCatalog(app.url, data);
      // Its own instance, whose entries outlive the scenario: the HIT share then measures
      // what writes invalidate, not a 60 s TTL running out at this machine's read rate.
      const longTtl = await startNode(
        prodNodeArgs(),
        { ...common, CACHE_TTL: '3600', DATABASE_MIGRATIONS_RUN: 'false' },
        await freePort(),
        '/api/v1/health',
      );
      servers.push(longTtl);
      const mixed = await mixedScenario(longTtl.url, data, ids, {
        rounds: quick ? 1 : 3,
        seconds: quick ? 2 : 8,
        rates: [10, 50],
      });
      await longTtl.stop();
      servers.splice(servers.indexOf(longTtl), 1);
      const table = renderMixed(mixed);
      console.log(table);
      if (!quick) writeSection(`mixed-${dbName}${redisUrl ? '-redis' : ''}`, table);
      return mixed;
    };
    let i = 0;
    const pick = <T>(xs: T[]) => xs[i++ % xs.length];
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });

    /** The quiet product read against bare Fastify, interleaved (A B A B), medians. */
    const quietVersusBare = async () => {
      const bare = await startBareServer(app.url, data.productIds[0], data.customers[0].token);
      servers.push(bare);
      const read = (url: string, name: string) =>
        load({
          name,
          url,
          seconds: SECONDS / 2,
          next: () => ({
            path: `/api/v1/products/${pick(data.productIds)}`,
            headers: auth(pick(data.customers).token),
          }),
        });
      await read(app.url, 'warm');
      const ratios: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const a = await read(app.url, 'product-read');
        const b = await read(bare.url, 'bare');
        ratios.push(a.reqPerSec / Math.max(1, b.reqPerSec));
        console.log(`quiet product-read ${a.reqPerSec} req/s, bare Fastify ${b.reqPerSec} req/s`);
      }
      ratios.sort((x, y) => x - y);
      const median = ratios[Math.floor((ratios.length - 1) / 2)];
      const line = `Quiet product-read vs bare Fastify, ${ROUNDS} interleaved rounds of ${SECONDS / 2} s: median ${Math.round(median * 100)}% (rounds: ${ratios.map((r) => `${Math.round(r * 100)}%`).join(', ')}).`;
      console.log(line);
      if (!quick) writeSection(`quiet-${dbName}${redisUrl ? '-redis' : ''}`, line);
    };
    if (mixedOnly) {
      await runMixed();
      await quietVersusBare();
      return;
    }

    // Every ratio is measured side by side: baseline and scenario in turns, A B A B.
    const bare = await startBareServer(app.url, data.productIds[0], data.customers[0].token);
    servers.push(bare);
    const driver = await openDriverBaselines(databaseUrl, data);
    const readOf = (url: string, name: string, next: Next) => (seconds: number) =>
      load({ name, url, seconds, next });
    const productNext: Next = () => ({
      path: `/api/v1/products/${pick(data.productIds)}`,
      headers: auth(pick(data.customers).token),
    });
    const bareRead = readOf(bare.url, 'baseline: bare Fastify read', productNext);

    const productRead = await sideBySide(
      'product-read',
      [readOf(app.url, 'product-read', productNext), bareRead],
      WARM,
    );
    const hostile = await hostileBodies({
      url: app.url,
      reads: productNext,
      warm: WARM,
      seconds: SECONDS,
      rounds: ROUNDS,
      serverPid: app.proc.pid,
    });
    if (only === 'hostile') {
      const ratio = Math.round((100 * hostile.attacked.reqPerSec) / hostile.alone.reqPerSec);
      console.log(`hostile-bodies medians: ${JSON.stringify(hostile)}; attacked/alone ${ratio}%`);
      if (hostileFailures(hostile).length > 0) {
        process.exitCode = 1;
      }
      return;
    }
    const pageNext: Next = () => ({
      path: `/api/v1/products?page=${(i % 5) + 1}&limit=20&sort=-price`,
      headers: auth(pick(data.customers).token),
    });
    const pageWarm = await sideBySide(
      'catalog-page (cache warm)',
      [readOf(app.url, 'catalog-page (cache warm)', pageNext), bareRead],
      WARM,
    );
    const pageCold = await sideBySide(
      'catalog-page (cache off)',
      [readOf(noCache.url, 'catalog-page (cache off)', pageNext), bareRead],
      WARM,
    );
    const orderRead = await sideBySide(
      'order-read',
      [
        readOf(app.url, 'order-read', () => {
          const o = pick(data.orders);
          return { path: `/api/v1/orders/${o.id}`, headers: auth(o.token) };
        }),
        bareRead,
      ],
      WARM,
    );
    const placeOrder = await sideBySide(
      'place-order',
      [
        (seconds) =>
          load({
            name: 'place-order',
            url: app.url,
            seconds,
            method: 'POST',
            next: () => ({
              path: '/api/v1/orders',
              headers: auth(pick(data.customers).token),
              body: JSON.stringify({ items: [{ productId: pick(data.productIds), quantity: 1 }] }),
            }),
          }),
        (seconds) => driver.app(0, seconds),
        (seconds) => driver.simple(0, seconds),
      ],
      WARM,
    );
    await driver.close();
    const lastUnits = await load({
      name: 'last-units',
      url: app.url,
      seconds: 0,
      amount: data.lastUnitsStock * 4,
      method: 'POST',
      next: () => ({
        path: '/api/v1/orders',
        headers: auth(pick(data.customers).token),
        body: JSON.stringify({ items: [{ productId: data.lastUnitsProductId, quantity: 1 }] }),
      }),
    });
    const finalStock = await data.stockOf(data.lastUnitsProductId);
    const sold = lastUnits.statuses['201'] ?? 0;
    const oversold = sold > data.lastUnitsStock || finalStock < 0;
    console.log(`last-units: ${sold} sold of ${data.lastUnitsStock}, stock now ${finalStock}`);
    const appRss = app.rssMb();
    // Last: it adds 4,500 products, which the scenarios above do not expect.
    await runMixed();
    for (const s of servers) await s.stop();
    servers.length = 0;

    const against = (r: SideBySide, baseline: string, target?: string, k = 1): Row => ({
      ...r.a,
      baseline,
      ratio: r.ratios[k - 1],
      target,
    });
    rows.push(
      against(
        productRead,
        'bare Fastify',
        databaseUrl.startsWith('sqlite') ? '>= 50%, p99 < 20 ms' : '>= 40%, p99 < 20 ms',
      ),
      {
        ...hostile.attacked,
        name: `product-read under 1 MB hostile bodies, one client (median of ${ROUNDS})`,
        baseline: 'reads alone',
        ratio: hostile.attacked.reqPerSec / Math.max(1, hostile.alone.reqPerSec),
        target: '>= 90%, p99 < 20 ms',
      },
      {
        ...hostile.spreadAttacked,
        name: `product-read under 1 MB hostile bodies, a new address per body (median of ${ROUNDS})`,
        baseline: 'reads alone',
        ratio: hostile.spreadAttacked.reqPerSec / Math.max(1, hostile.alone.reqPerSec),
      },
      { ...hostile.alone, name: `product-read alone, interleaved (median of ${ROUNDS})` },
      {
        ...hostile.attacker,
        name: `hostile bodies to POST /auth/login, one client (400, 429 over its limit)`,
      },
      {
        ...hostile.spreadAttacker,
        name: 'hostile bodies to POST /auth/login, a new address per body (all 400)',
      },
      against(pageWarm, 'bare Fastify', 'p99 < 20 ms'),
      against(pageCold, 'bare Fastify'),
      against(orderRead, 'bare Fastify', 'p99 < 20 ms'),
      against(placeOrder, 'driver tx', '>= 50%, p99 < 100 ms'),
      {
        ...against(placeOrder, 'simpler driver tx', undefined, 2),
        name: 'place-order, against the simpler baseline of earlier runs',
      },
      {
        ...lastUnits,
        name: `last-units (${sold}/${data.lastUnitsStock} sold, stock ${finalStock})`,
      },
      { ...productRead.b[0], name: 'baseline: bare Fastify read (beside product-read)' },
      { ...placeOrder.b[0] },
      { ...placeOrder.b[1] },
    );
    const report = render(rows, { databaseUrl, redisUrl, appRss, quick, oversold });
    console.log(report);
    if (!quick) writeSection(dbName, report);
    const failures = rows.filter(
      (r) => (r.statuses['500'] ?? 0) + (r.statuses['503'] ?? 0) > 0 || r.errors > 0,
    );
    failures.push(...hostileFailures(hostile));
    if (oversold || failures.length > 0) {
      console.error(
        `bench: ${oversold ? 'OVERSOLD; ' : ''}errors or 5xx in: ${failures.map((f) => f.name).join(', ')}`,
      );
      process.exitCode = 1;
    }
  } finally {
    for (const s of servers) await s.stop();
  }
  if (quick) await atSize(QUICK_SIZE);
}

/** Replaces this database's table in docs/benchmarks.md, keeping the prose around it. */
/**
 * Every hostile body is refused: 400, or 429 once its client is over the login limit (one
 * client is, after its first LOGIN_THROTTLE_LIMIT bodies); from a new address per body,
 * always 400. An error before the answer (a lost answer) is a failure too.
 */
function hostileFailures(hostile: HostileResult): LoadResult[] {
  const bad = (attacker: LoadResult, allowed: string[]) =>
    attacker.errors > 0 || Object.keys(attacker.statuses).some((code) => !allowed.includes(code));
  return [
    ...(bad(hostile.attacker, ['400', '429']) ? [hostile.attacker] : []),
    ...(bad(hostile.spreadAttacker, ['400']) ? [hostile.spreadAttacker] : []),
  ];
}

function writeSection(name: string, report: string): void {
  const file = join(ROOT, 'docs', 'benchmarks.md');
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const block = `${start}\n${report}\n${end}`;
  const i = current.indexOf(start);
  const j = current.indexOf(end);
  const next =
    i >= 0 && j > i
      ? current.slice(0, i) + block + current.slice(j + end.length)
      : `${current}\n${block}\n`;
  writeFileSync(file, next);
}

function render(
  rows: Row[],
  ctx: {
    databaseUrl: string;
    redisUrl?: string;
    appRss: number;
    quick: boolean;
    oversold: boolean;
  },
): string {
  const db = ctx.databaseUrl.startsWith('sqlite') ? 'SQLite (better-sqlite3)' : 'MySQL/MariaDB';
  const lines = [
    `## ${db}${ctx.redisUrl ? ' + Redis' : ''}${ctx.quick ? ' (quick mode: not for timing)' : ''}`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. ` +
      `50 connections; ${ctx.quick ? 'short runs' : `each ratio side by side: scenario and baseline in turns, ${ROUNDS} rounds of ${SECONDS / 2} s after a ${WARM} s warm-up, each side's median round and the median of the rounds' ratios`}; server and load generator share the machine.`,
    '',
    '| scenario | req/s | p50 ms | p99 ms | errors | non-2xx | vs baseline | target |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} | ${
          r.ratio !== undefined ? `${Math.round(r.ratio * 100)}% of ${r.baseline}` : ''
        } | ${r.target ?? ''} |`,
    ),
    '',
    `Server RSS at the end: ${ctx.appRss} MB (target < 250 MB). Oversold: ${ctx.oversold ? 'YES' : 'no'}.`,
    '',
  ];
  return lines.join('\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
