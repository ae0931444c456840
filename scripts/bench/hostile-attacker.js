// The hostile client of the hostile-bodies scenario, as a process of its own (another
// client is another process: in the load generator's event loop it would take the readers'
// CPU instead of the server's). Sends 1 MB hostile bodies to POST /auth/login back to back,
// each on a new connection, for argv[3] seconds; prints its result as one JSON line. With
// `spread`, each body comes from another loopback address (127.1.0.1, 127.1.0.2, ...), as
// from many clients, none of which reaches its rate limit.
// Usage: node hostile-attacker.js <base url> <seconds> [spread]
const { request } = require('node:http');

const MB = 1024 * 1024;
// Just within the 1 MB body limit; Buffers built once, so sending one costs no encoding.
const BODIES = [
  `{${'"k":1,'.repeat(MB / 6 - 1)}"k":1}`,
  '{"a":'.repeat(MB / 5 - 1),
  '['.repeat(MB - 1),
].map((text) => Buffer.from(text));

const [, , url, secondsArg, mode] = process.argv;
const seconds = Number(secondsArg);
const spread = mode === 'spread';
/** The n-th loopback address of 127.1.0.0/16 (a fresh client per body for 65,534 bodies). */
const addressOf = (n) => `127.1.${(n >> 8) & 255}.${n & 255 || 1}`;

function send(body, n) {
  return new Promise((resolve) => {
    const req = request(
      `${url}/api/v1/auth/login`,
      {
        method: 'POST',
        agent: false,
        ...(spread ? { localAddress: addressOf(n + 1) } : {}),
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

async function main() {
  const statuses = {};
  const latencies = [];
  let errors = 0;
  const started = process.cpuUsage();
  const until = performance.now() + seconds * 1000;
  for (let n = 0; performance.now() < until; n++) {
    const start = performance.now();
    const status = await send(BODIES[n % BODIES.length], n);
    latencies.push(performance.now() - start);
    if (status === 0) errors++;
    else statuses[status] = (statuses[status] ?? 0) + 1;
  }
  const cpu = process.cpuUsage(started);
  latencies.sort((a, b) => a - b);
  const at = (p) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0);
  const total = latencies.length - errors;
  process.stdout.write(
    `${JSON.stringify({
      reqPerSec: Math.round(total / seconds),
      p50: at(0.5),
      p99: at(0.99),
      errors,
      statuses,
      total,
      cpuPercent: Math.round((cpu.user + cpu.system) / 1e4 / seconds),
    })}\n`,
  );
}

void main();
