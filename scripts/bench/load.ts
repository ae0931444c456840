import autocannon from 'autocannon';

export interface LoadResult {
  name: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  statuses: Record<string, number>;
  total: number;
}

export interface LoadOptions {
  name: string;
  url: string;
  seconds: number;
  connections?: number;
  method?: 'GET' | 'POST';
  /** Called per request: returns path, headers and body. */
  next: () => { path: string; headers?: Record<string, string>; body?: string };
  /** Stop after this many requests instead of a duration (for last-units). */
  amount?: number;
}

/** One autocannon run; rotating request contents through setupRequest. */
export function load(opts: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: opts.url,
        connections: opts.connections ?? 50,
        ...(opts.amount ? { amount: opts.amount } : { duration: opts.seconds }),
        method: opts.method ?? 'GET',
        requests: [
          {
            setupRequest: (req) => {
              const n = opts.next();
              return {
                ...req,
                path: n.path,
                headers: {
                  ...(n.headers ?? {}),
                  ...(n.body ? { 'content-type': 'application/json' } : {}),
                },
                body: n.body,
              };
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        const statuses: Record<string, number> = {};
        for (const [code, v] of Object.entries(result.statusCodeStats ?? {})) {
          statuses[code] = v.count ?? 0;
        }
        resolve({
          name: opts.name,
          reqPerSec: Math.round(result.requests.average),
          p50: result.latency.p50,
          p99: result.latency.p99,
          errors: result.errors,
          non2xx: result.non2xx,
          statuses,
          total: result.requests.total,
        });
      },
    );
    instance.on('error', (e: unknown) => reject(e instanceof Error ? e : new Error(String(e))));
  });
}
