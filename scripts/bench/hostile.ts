/**
 * hostile-bodies: cached product reads while another client sends 1 MB hostile bodies
 * (80,000+ keys; nesting 1 MB deep) to POST /auth/login in a loop. Reads run alone (A) and
 * under the attack (B) in interleaved rounds, A B A B ..., and each side reports its median
 * round, so that drift of a shared machine falls on both alike. The attacker is a process of
 * its own (hostile-attacker.js), as another client would be. The bodies are refused by
 * the JSON parser's scan (src/common/json-body.ts) before anything else runs, and count
 * against the client's login limit (src/rate-limit/refused-bodies.ts): one client is over
 * it after its first bodies and then answered 429 a second late. A third side (C) has every
 * body come from another address, so that none is ever limited: A B C A B C ...
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load, LoadResult } from './load';

/** The attacker's result, with the CPU its own process used (% of a core). */
export type AttackResult = LoadResult & { cpuPercent: number };

export interface HostileResult {
  alone: LoadResult;
  /** One client in a loop: over its login limit after its first bodies, then slowed. */
  attacked: LoadResult;
  attacker: AttackResult;
  /** Each body from another address: never limited, every body refused at full pace. */
  spreadAttacked: LoadResult;
  spreadAttacker: AttackResult;
}

function median<T extends LoadResult>(rounds: T[]): T {
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
  const attack = (seconds: number, name = 'hostile bodies', spread = false) =>
    attackLoop(opts.url, seconds, name, spread);
  const reads = (name: string, seconds: number) =>
    load({ name, url: opts.url, seconds, next: opts.reads });
  await Promise.all([reads('warm-up', opts.warm), attack(opts.warm)]);
  const alone: LoadResult[] = [];
  const attacked: LoadResult[] = [];
  const attackers: AttackResult[] = [];
  const spreadAttacked: LoadResult[] = [];
  const spreadAttackers: AttackResult[] = [];
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
    cpu.start();
    const [sr, sa] = await Promise.all([
      reads('product-read, under hostile bodies from many addresses', opts.seconds),
      attack(opts.seconds, 'hostile bodies from many addresses', true),
    ]);
    const cpuSpread = cpu.stop();
    spreadAttacked.push(sr);
    spreadAttackers.push(sa);
    console.log(
      `hostile-bodies round ${round + 1}: alone ${alone[round].reqPerSec} req/s, ` +
        `attacked ${r.reqPerSec} req/s p99 ${r.p99} ms, attacker ${a.reqPerSec} req/s ${JSON.stringify(a.statuses)}; ` +
        `from many addresses ${sr.reqPerSec} req/s p99 ${sr.p99} ms, attacker ${sa.reqPerSec} req/s ${JSON.stringify(sa.statuses)}; ` +
        `CPU % of a core alone ${cpuAlone}, attacked ${cpuAttacked}, attacker ${a.cpuPercent}, ` +
        `many addresses ${cpuSpread}, attacker ${sa.cpuPercent}`,
    );
  }
  return {
    alone: median(alone),
    attacked: median(attacked),
    attacker: median(attackers),
    spreadAttacked: median(spreadAttacked),
    spreadAttacker: median(spreadAttackers),
  };
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
 * each time (the server closes the connection after refusing a body), in a process of its
 * own (`hostile-attacker.js`): another client, not more work for the readers' event loop.
 */
function attackLoop(
  url: string,
  seconds: number,
  name: string,
  spread: boolean,
): Promise<AttackResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(__dirname, 'hostile-attacker.js'), url, String(seconds), spread ? 'spread' : 'one'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`hostile attacker exited with ${code}`));
      const r = JSON.parse(out) as Omit<LoadResult, 'name' | 'non2xx'> & { cpuPercent: number };
      resolve({
        name,
        reqPerSec: r.reqPerSec,
        p50: r.p50,
        p99: r.p99,
        errors: r.errors,
        non2xx: Object.entries(r.statuses)
          .filter(([code]) => !code.startsWith('2'))
          .reduce((sum, [, count]) => sum + count, 0),
        statuses: r.statuses,
        total: r.total,
        cpuPercent: r.cpuPercent,
      });
    });
  });
}
