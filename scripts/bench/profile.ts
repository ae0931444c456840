/**
 * npx ts-node scripts/bench/profile.ts <scenario> [seconds] [--cpu-prof] [--dist DIR]
 *
 * The harness behind docs/benchmarks.md's before/after numbers: starts the built app (run
 * `npx nest build` first) exactly as start:prod does, seeds it, loads one scenario
 * (product-read, order-read, place-order, bare) with 50 connections and prints req/s. With
 * --cpu-prof the server writes a V8 CPU profile and the heaviest functions are listed.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from './load';
import { benchEnv, freePort, Server, startBareServer, startNode } from './processes';
import { seed } from './seed';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per package and function, over the measured window only (not start-up or seeding). */
function summarise(file: string, seconds: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const times: number[] = [];
  let t = 0;
  for (const d of profile.timeDeltas) times.push((t += d));
  // The load ends ~shutdown before the last sample; keep the measured seconds before that.
  const end = t - 300_000;
  const start = end - seconds * 1_000_000;
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((s, i) => {
    if (times[i] < start || times[i] > end) return;
    self.set(s, (self.get(s) ?? 0) + 1);
    total++;
  });
  const byFn = new Map<string, number>();
  const byPkg = new Map<string, number>();
  for (const node of profile.nodes) {
    const n = self.get(node.id) ?? 0;
    if (!n) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const short = url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/');
    const fn = `${functionName || '(anon)'} ${short}:${lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + n);
    const pkg = url.includes('node_modules/')
      ? url
          .replace(/^.*node_modules\//, '')
          .split('/')
          .slice(0, url.includes('node_modules/@') ? 2 : 1)
          .join('/')
      : url.includes('/dist/')
        ? 'app'
        : url.startsWith('node:')
          ? 'node'
          : functionName || '(native)';
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + n);
  }
  const top = (m: Map<string, number>, k: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, n]) => `${((100 * n) / total).toFixed(1).padStart(5)}%  ${name}`)
      .join('\n');
  console.log(`\nby package (self time):\n${top(byPkg, 25)}`);
  console.log(`\nby function (self time):\n${top(byFn, 40)}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const scenario = args[0] ?? 'product-read';
  const seconds = Number(args.find((a) => /^\d+$/.test(a)) ?? 6);
  const cpuProf = args.includes('--cpu-prof');
  const distIdx = args.indexOf('--dist');
  const dist = distIdx >= 0 ? args[distIdx + 1] : 'dist';
  const profDir = mkdtempSync(join(tmpdir(), 'sf-prof-'));
  const databaseUrl =
    process.env.DATABASE_URL ??
    `sqlite:${join(mkdtempSync(join(tmpdir(), 'sf-prof-db-')), 'p.sqlite')}`;
  const env = {
    ...benchEnv(databaseUrl, process.env.REDIS_URL),
    CACHE_TTL: process.env.CACHE_TTL ?? '60',
  };
  const nodeArgs = [
    '--max-old-space-size=192',
    // Extra node flags to try (for example PROFILE_NODE_ARGS=--max-semi-space-size=16).
    ...(process.env.PROFILE_NODE_ARGS ?? '').split(' ').filter(Boolean),
    ...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
    `${dist}/src/main.js`,
  ];
  let server: Server | undefined;
  try {
    server = await startNode(nodeArgs, env, await freePort(), '/api/v1/health');
    const data = await seed(server.url, true);
    let i = 0;
    const pick = <T>(xs: T[]) => xs[i++ % xs.length];
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    let target = server.url;
    if (scenario === 'bare') {
      const bare = await startBareServer(server.url, data.productIds[0], data.customers[0].token);
      await server.stop();
      server = bare;
      target = bare.url;
    }
    const next =
      scenario === 'order-read'
        ? () => {
            const o = pick(data.orders);
            return { path: `/api/v1/orders/${o.id}`, headers: auth(o.token) };
          }
        : scenario === 'place-order'
          ? () => ({
              path: '/api/v1/orders',
              headers: auth(pick(data.customers).token),
              body: JSON.stringify({ items: [{ productId: pick(data.productIds), quantity: 1 }] }),
            })
          : () => ({
              path: `/api/v1/products/${pick(data.productIds)}`,
              headers: auth(pick(data.customers).token),
            });
    const method = scenario === 'place-order' ? 'POST' : 'GET';
    await load({ name: scenario, url: target, seconds: 2, next, method });
    const r = await load({ name: scenario, url: target, seconds, next, method });
    console.log(
      `${scenario}: ${r.reqPerSec} req/s p50 ${r.p50} p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}, RSS ${server.rssMb()} MB`,
    );
  } finally {
    await server?.stop();
  }
  if (cpuProf) {
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) summarise(join(profDir, file), seconds);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
