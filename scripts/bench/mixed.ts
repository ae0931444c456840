/**
 * The mixed scenario: readers of random products among 5,000 (and the first catalog page)
 * while orders flow at a fixed rate, against the same readers with no orders (the quiet
 * phase), interleaved (quiet, busy, quiet, busy ...) so drift hits both alike. Reports the
 * X-Cache HIT share of each kind of read and the read throughput of each phase.
 */
import autocannon from 'autocannon';
import type { BenchData } from './seed';

export const MIXED_PRODUCTS = 5000;

export interface MixedPhase {
  name: string;
  ordersPerSec: number;
  readsPerSec: number;
  productHit: number;
  pageHit: number;
  ordersPlaced: number;
  orderFailures: number;
  non2xx: number;
  /** Non-2xx reads and failed orders by status (0: no answer). */
  readStatuses: Record<string, number>;
  orderStatuses: Record<string, number>;
}

interface Counts {
  productHit: number;
  productAll: number;
  pageHit: number;
  pageAll: number;
}

async function post(base: string, path: string, token: string, body: unknown): Promise<number> {
  const res = await fetch(`${base}/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Adds products until the catalog has MIXED_PRODUCTS of them; returns all their ids. */
export async function seedMixedCatalog(base: string, data: BenchData): Promise<number[]> {
  const ids = [...data.productIds];
  const missing = Math.max(0, MIXED_PRODUCTS - ids.length);
  let next = 0;
  const worker = async () => {
    while (next < missing) {
      const i = next++;
      const res = await fetch(`${base}/api/v1/products`, {
        method: 'POST',
        headers: { authorization: `Bearer ${data.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Mixed product ${i}`, price: '4.99', stock: 1_000_000 }),
      });
      // A failed create is a finding, not a product: it once went in as `undefined`.
      if (res.status !== 201)
        throw new Error(`seeding: POST /products ${res.status} ${await res.text()}`);
      const p = (await res.json()) as { id: number };
      ids.push(p.id);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return ids;
}

/** Places orders at `rate` per second until stopped; counts what came back. */
function orderFlow(base: string, data: BenchData, productIds: number[], rate: number) {
  let placed = 0;
  let failed = 0;
  /** The status (0: no answer) of each failed order, counted. */
  const failures: Record<string, number> = {};
  const inFlight = new Set<Promise<void>>();
  const timer =
    rate > 0
      ? setInterval(() => {
          const c = data.customers[Math.floor(Math.random() * data.customers.length)];
          const productId = productIds[Math.floor(Math.random() * productIds.length)];
          const p = post(base, '/orders', c.token, { items: [{ productId, quantity: 1 }] })
            .then((status) => {
              if (status === 201) placed++;
              else {
                failed++;
                failures[status] = (failures[status] ?? 0) + 1;
              }
            })
            .catch(() => {
              failed++;
              failures[0] = (failures[0] ?? 0) + 1;
            })
            .finally(() => inFlight.delete(p));
          inFlight.add(p);
        }, 1000 / rate)
      : undefined;
  return {
    stop: async () => {
      if (timer) clearInterval(timer);
      await Promise.all(inFlight);
      return { placed, failed, failures };
    },
  };
}

function readers(
  base: string,
  data: BenchData,
  productIds: number[],
  seconds: number,
): Promise<{
  readsPerSec: number;
  counts: Counts;
  non2xx: number;
  statuses: Record<string, number>;
}> {
  const counts: Counts = { productHit: 0, productAll: 0, pageHit: 0, pageAll: 0 };
  /** Non-2xx answers by status, counted. */
  const statuses: Record<string, number> = {};
  let n = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections: 32,
        duration: seconds,
        requests: [
          {
            // The context is the connection's: one request in flight per connection.
            setupRequest: (req, context: { page?: boolean }) => {
              n++;
              const token = data.customers[n % data.customers.length].token;
              // One read in ten is the first catalog page, the others random products.
              const page = n % 10 === 0;
              context.page = page;
              const path = page
                ? '/api/v1/products?page=1&limit=20'
                : `/api/v1/products/${productIds[Math.floor(Math.random() * productIds.length)]}`;
              return { ...req, path, headers: { authorization: `Bearer ${token}` } };
            },
            onResponse: (status, _body, context: { page?: boolean }, headers) => {
              if (status < 200 || status > 299) statuses[status] = (statuses[status] ?? 0) + 1;
              const hit = headers?.['x-cache'] === 'HIT';
              if (context.page) {
                counts.pageAll++;
                if (hit) counts.pageHit++;
              } else {
                counts.productAll++;
                if (hit) counts.productHit++;
              }
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        resolve({
          readsPerSec: Math.round(result.requests.average),
          counts,
          non2xx: result.non2xx,
          statuses,
        });
      },
    );
    instance.on('error', (e: unknown) => reject(e instanceof Error ? e : new Error(String(e))));
  });
}

/** One phase: the readers for `seconds` while orders flow at `rate` per second (0: quiet). */
async function phase(
  base: string,
  data: BenchData,
  productIds: number[],
  rate: number,
  seconds: number,
): Promise<MixedPhase> {
  const flow = orderFlow(base, data, productIds, rate);
  const r = await readers(base, data, productIds, seconds);
  const orders = await flow.stop();
  const share = (hit: number, all: number) => (all > 0 ? hit / all : 0);
  return {
    name: rate > 0 ? `${rate} orders/s` : 'quiet',
    ordersPerSec: rate,
    readsPerSec: r.readsPerSec,
    productHit: share(r.counts.productHit, r.counts.productAll),
    pageHit: share(r.counts.pageHit, r.counts.pageAll),
    ordersPlaced: orders.placed,
    orderFailures: orders.failed,
    non2xx: r.non2xx,
    readStatuses: r.statuses,
    orderStatuses: orders.failures,
  };
}

const sumCounts = (all: Record<string, number>[]) => {
  const sum: Record<string, number> = {};
  for (const counts of all) {
    for (const [k, n] of Object.entries(counts)) sum[k] = (sum[k] ?? 0) + n;
  }
  return sum;
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor((s.length - 1) / 2)];
};

export interface MixedResult {
  /** Per order rate (0 is quiet): the median phase of its rounds. */
  phases: MixedPhase[];
  rounds: number;
  seconds: number;
}

/**
 * Warms the cache with one read of every product and of the page, then runs `rounds`
 * rounds of quiet, 10/s, quiet, 50/s.
 */
export async function mixedScenario(
  base: string,
  data: BenchData,
  productIds: number[],
  opts: { rounds: number; seconds: number; rates: number[] },
): Promise<MixedResult> {
  let next = 0;
  const token = data.customers[0].token;
  const warm = async () => {
    while (next < productIds.length) {
      const id = productIds[next++];
      const res = await fetch(`${base}/api/v1/products/${id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 8 }, warm));
  await readers(base, data, productIds, 2);
  const byRate = new Map<number, MixedPhase[]>();
  for (let round = 0; round < opts.rounds; round++) {
    for (const rate of opts.rates) {
      for (const r of [0, rate]) {
        const p = await phase(base, data, productIds, r, opts.seconds);
        console.log(
          `mixed ${p.name}: ${p.readsPerSec} reads/s, product HIT ${(p.productHit * 100).toFixed(1)}%, page HIT ${(p.pageHit * 100).toFixed(1)}%, ${p.ordersPlaced} orders (${p.orderFailures} failed)` +
            (p.non2xx > 0 || p.orderFailures > 0
              ? `; non-2xx reads ${JSON.stringify(p.readStatuses)}, failed orders ${JSON.stringify(p.orderStatuses)}`
              : ''),
        );
        byRate.set(r, [...(byRate.get(r) ?? []), p]);
      }
    }
  }
  const phases = [...byRate.entries()].map(([rate, ps]): MixedPhase => ({
    name: rate > 0 ? `${rate} orders/s` : 'quiet',
    ordersPerSec: rate,
    readsPerSec: median(ps.map((p) => p.readsPerSec)),
    productHit: median(ps.map((p) => p.productHit)),
    pageHit: median(ps.map((p) => p.pageHit)),
    ordersPlaced: ps.reduce((s, p) => s + p.ordersPlaced, 0),
    orderFailures: ps.reduce((s, p) => s + p.orderFailures, 0),
    non2xx: ps.reduce((s, p) => s + p.non2xx, 0),
    readStatuses: sumCounts(ps.map((p) => p.readStatuses)),
    orderStatuses: sumCounts(ps.map((p) => p.orderStatuses)),
  }));
  return { phases, rounds: opts.rounds, seconds: opts.seconds };
}

/** The markdown table of a mixed run, against the quiet phase. */
export function renderMixed(result: MixedResult): string {
  const quiet = result.phases.find((p) => p.ordersPerSec === 0);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return [
    `Mixed: 32 reader connections (9 in 10 a random product of ${MIXED_PRODUCTS}, 1 in 10 the first catalog page), ` +
      `${result.rounds} interleaved rounds of ${result.seconds} s per phase, medians; CACHE_TTL=3600 so that only writes end entries.`,
    '',
    '| phase | reads/s | vs quiet | product-read HIT | catalog-page HIT | orders placed (failed) | non-2xx reads |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...result.phases.map(
      (p) =>
        `| ${p.name} | ${p.readsPerSec} | ${quiet && quiet.readsPerSec > 0 ? pct(p.readsPerSec / quiet.readsPerSec) : ''} | ${pct(p.productHit)} | ${pct(p.pageHit)} | ${p.ordersPlaced} (${p.orderFailures}) | ${p.non2xx} |`,
    ),
    '',
  ].join('\n');
}
