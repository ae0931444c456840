import { performance } from 'node:perf_hooks';
import { JsonShapeScanner, MAX_BODY_DEPTH, MAX_BODY_KEYS, scanJsonShape } from './json-body';

const MB = 1024 * 1024;

function nested(levels: number): string {
  return '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);
}

function keys(n: number): string {
  return `{${Array.from({ length: n }, (_, i) => `"k${i}":1`).join(',')}}`;
}

/** The fastest of a few runs, in ms: what the scan costs, not what a busy machine adds. */
function fastest(text: string): number {
  let min = Infinity;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    scanJsonShape(text);
    min = Math.min(min, performance.now() - start);
  }
  return min;
}

describe('scanJsonShape', () => {
  it('accepts bodies within the limits', () => {
    expect(scanJsonShape('{"username":"a","password":"b"}')).toBeUndefined();
    expect(scanJsonShape('{"items":[{"productId":1,"quantity":2}]}')).toBeUndefined();
    expect(scanJsonShape(nested(MAX_BODY_DEPTH))).toBeUndefined();
    expect(scanJsonShape(keys(MAX_BODY_KEYS))).toBeUndefined();
    expect(scanJsonShape(`[${Array(MAX_BODY_KEYS).fill('1').join(',')}]`)).toBeUndefined();
    expect(scanJsonShape('[]')).toBeUndefined();
    expect(scanJsonShape('null')).toBeUndefined();
  });

  it('refuses more than 32 levels, objects and arrays alike', () => {
    expect(scanJsonShape(nested(MAX_BODY_DEPTH + 1))).toBe('depth');
    expect(scanJsonShape('['.repeat(MAX_BODY_DEPTH + 1))).toBe('depth');
    expect(scanJsonShape(`{"items":${'['.repeat(MAX_BODY_DEPTH)}`)).toBe('depth');
    // Closing brackets free their level again.
    expect(
      scanJsonShape(
        `[${Array(20)
          .fill(nested(MAX_BODY_DEPTH - 1))
          .join(',')}]`,
      ),
    ).toBe(undefined);
  });

  it('counts keys at every level, array elements included', () => {
    expect(scanJsonShape(keys(MAX_BODY_KEYS + 1))).toBe('keys');
    expect(scanJsonShape(`{"a":${keys(600)},"b":${keys(600)}}`)).toBe('keys');
    expect(
      scanJsonShape(
        `[${Array(MAX_BODY_KEYS + 1)
          .fill('1')
          .join(',')}]`,
      ),
    ).toBe('keys');
    expect(scanJsonShape(`{"items":[${Array(MAX_BODY_KEYS).fill('{}').join(',')}]}`)).toBe('keys');
  });

  it('counts strings too: at most two per key, however the commas and colons read', () => {
    const strings = (n: number) => `{"s":"${'x","'.repeat(n - 2)}x"}`;
    expect(scanJsonShape(strings(2 * MAX_BODY_KEYS + 1))).toBeUndefined();
    expect(scanJsonShape(strings(2 * MAX_BODY_KEYS + 2))).toBe('keys');
  });

  it('ignores brackets, colons and commas inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ s: '['.repeat(5000) + ':,'.repeat(5000) + '\\"{' });
    expect(scanJsonShape(text)).toBeUndefined();
    expect(scanJsonShape(`{"a\\"":"\\\\"}`)).toBeUndefined();
    // An escaped backslash ends the escape: the quote after it closes the string.
    expect(scanJsonShape(`["\\\\",${'['.repeat(MAX_BODY_DEPTH)}]`)).toBe('depth');
  });

  it('answers any 1 MB body in a few milliseconds, without recursion', () => {
    const bodies = [
      '['.repeat(MB),
      '{"a":'.repeat(MB / 5),
      `{${'"k":1,'.repeat(MB / 6)}}`,
      `[${'1,'.repeat(MB / 2)}1]`,
      JSON.stringify({ s: 'x'.repeat(MB - 10) }),
      JSON.stringify({ s: '\\"'.repeat(MB / 4) }),
      // Escapes with no quote after them, and many strings with no backslash after them.
      `{"s":"${'\\\\'.repeat(MB / 2 - 8)}"}`,
      `{"s":"${'x","'.repeat(MB / 4 - 8)}"}`,
      keys(MAX_BODY_KEYS).replace(/:1/g, `:"${'x'.repeat(1000)}"`),
    ];
    for (const body of bodies) {
      expect(body.length).toBeLessThanOrEqual(MB + 8);
      // A bound against the super-linear (a quadratic scan of 1 MB takes minutes), not a
      // speed target: measured at most ~5 ms (json-body.ts), 50+ on a loaded CI machine.
      expect(fastest(body)).toBeLessThan(500);
    }
  });

  it('gives the same verdict however the body is cut into chunks (strings, escapes, UTF-8 split)', () => {
    const texts = [
      '{"username":"a","password":"b"}',
      JSON.stringify({ s: '\\"[{:,'.repeat(50), t: 'é€😀'.repeat(10) }),
      `{"a\\"":"\\\\",${'['.repeat(MAX_BODY_DEPTH)}`,
      `["\\\\",${'['.repeat(MAX_BODY_DEPTH)}]`,
      nested(MAX_BODY_DEPTH),
      nested(MAX_BODY_DEPTH + 1),
      keys(MAX_BODY_KEYS),
      keys(MAX_BODY_KEYS + 1),
      `[${Array(MAX_BODY_KEYS + 1)
        .fill('"x\\"y"')
        .join(',')}]`,
    ];
    for (const text of texts) {
      const whole = scanJsonShape(text);
      const bytes = Buffer.from(text, 'utf8');
      for (const size of [1, 2, 3, 7, 64]) {
        const scanner = new JsonShapeScanner();
        let verdict: string | undefined;
        for (let i = 0; i < bytes.length && verdict === undefined; i += size) {
          verdict = scanner.feed(bytes.subarray(i, i + size));
        }
        expect([text.slice(0, 40), size, verdict]).toEqual([text.slice(0, 40), size, whole]);
      }
    }
  });
});
