/**
 * hostile-bodies: cached product reads while another client sends 1 MB hostile bodies
 * (80,000+ keys; nesting 1 MB deep) to POST /auth/login in a loop. Reads run alone (A) and
 * under the attack (B) in interleaved rounds, A B A B ..., and each side reports its median
 * round, so that drift of a shared machine falls on both alike. The bodies are refused by
 * the JSON parser's scan (src/common/json-body.ts) before anything else runs.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { load, LoadResult } from './load';

const MB = 1024 * 1024;
/** Just within the 1 MB body limit. */
const BODIES = [
  `{${'"k":1,'.repeat(MB / 6 - 1)}"k":1}`,
  '{"a":'.repeat(MB / 5 - 1),
  '['.repeat(MB - 1),
];

export interface HostileResult {
  alone: LoadResult;
  attacked: LoadResult;
  attacker: LoadResult;
}

function median(rounds: LoadResult[]): LoadResult {
  const sorted = [...rounds].sort((a, b) => a.reqPerSec - b.reqPerSec);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

export async function hostileBodies(opts: {
  url: string;
  reads: () => { path: string; headers?: Record<string, string> };
  warm: number;
  seconds: number;
  rounds: number;
  /** The server's pid: its CPU time per round is printed next to the load generator's. */
  serverPid?: number;
}): Promise<HostileResult> {
  const attack = (seconds: number, name = 'hostile bodies') => attackLoop(opts.url, seconds, name);
  const reads = (name: string, seconds: number) =>
    load({ name, url: opts.url, seconds, next: opts.reads });
  await Promise.all([reads('warm-up', opts.warm), attack(opts.warm)]);
  const alone: LoadResult[] = [];
  const attacked: LoadResult[] = [];
  const attackers: LoadResult[] = [];
  const cpu = new CpuMeter(opts.serverPid);
  for (let round = 0; round < opts.rounds; round++) {
    cpu.start();
    alone.push(await reads('product-read, alone', opts.seconds));
    const cpuAlone = cpu.stop();
    cpu.start();
    const [r, a] = await Promise.all([
      reads('product-read, under hostile bodies', opts.seconds),
      attack(opts.seconds, 'hostile bodies (1 MB, to POST /auth/login)'),
    ]);
    const cpuAttacked = cpu.stop();
    attacked.push(r);
    attackers.push(a);
    console.log(
      `hostile-bodies round ${round + 1}: alone ${alone[round].reqPerSec} req/s, ` +
        `attacked ${r.reqPerSec} req/s p99 ${r.p99} ms, attacker ${a.reqPerSec} req/s ${JSON.stringify(a.statuses)}; ` +
        `CPU % of a core alone ${cpuAlone}, attacked ${cpuAttacked}`,
    );
  }
  return { alone: median(alone), attacked: median(attacked), attacker: median(attackers) };
}

/** CPU time of the server and of this process (the load generator) over a window. */
class CpuMeter {
  private at = { wall: 0, server: 0, self: 0 };
  constructor(private readonly pid?: number) {}

  private read(): { wall: number; server: number; self: number } {
    const { user, system } = process.cpuUsage();
    return { wall: performance.now(), server: this.serverMs(), self: (user + system) / 1000 };
  }

  /** utime + stime of /proc/<pid>/stat, in ms (clock ticks of 10 ms). */
  private serverMs(): number {
    if (!this.pid) return 0;
    try {
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return 0;
    }
  }

  start(): void {
    this.at = this.read();
  }

  stop(): string {
    const now = this.read();
    const pct = (ms: number) => Math.round((100 * ms) / (now.wall - this.at.wall));
    return `server ${pct(now.server - this.at.server)}, load generator ${pct(now.self - this.at.self)}`;
  }
}

/**
 * One client, sending the next body as soon as the last is answered, on a new connection
 * each time: the server closes the connection after refusing a body it did not read to the
 * end (Fastify does so after any body-parser error), which autocannon counts as errors.
 */
async function attackLoop(url: string, seconds: number, name: string): Promise<LoadResult> {
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  for (let n = 0; performance.now() < until; n++) {
    const body = BODIES[n % BODIES.length];
    const start = performance.now();
    const status = await new Promise<number>((resolve) => {
      const req = request(
        `${url}/api/v1/auth/login`,
        {
          method: 'POST',
          agent: false,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve(0));
      req.end(body);
    });
    latencies.push(performance.now() - start);
    if (status === 0) errors++;
    else statuses[status] = (statuses[status] ?? 0) + 1;
  }
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0);
  const total = latencies.length - errors;
  return {
    name,
    reqPerSec: Math.round(total / seconds),
    p50: at(0.5),
    p99: at(0.99),
    errors,
    non2xx: Object.entries(statuses)
      .filter(([code]) => !code.startsWith('2'))
      .reduce((sum, [, count]) => sum + count, 0),
    statuses,
    total,
  };
}
