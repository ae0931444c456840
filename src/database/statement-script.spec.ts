import { runScriptAgainst } from './script-test-driver';
import { deferred, statement, step, StatementResult, StatementScript } from './statement-script';

const result = (affected: number): StatementResult => ({ rows: [], affected, insertId: affected });

describe('step', () => {
  it('sends named statements as one step, in order, and answers each by its name', async () => {
    const sent: string[][] = [];
    function* script(): StatementScript<unknown> {
      const r = yield* step({
        lines: [statement('A', []), statement('B', [])],
        none: [],
        one: statement('C', []),
      });
      yield deferred('D', []);
      return { lines: r.lines.map((x) => x.affected), none: r.none, one: r.one.affected };
    }
    const s = script();
    // A driver's view: the first yield is the whole step, flat.
    let next = s.next();
    while (!next.done) {
      const statements = 'sql' in next.value ? [next.value] : next.value;
      sent.push(statements.map((x) => x.sql));
      next = s.next(statements.map((_, i) => result(i + 1)));
    }
    expect(sent).toEqual([['A', 'B', 'C'], ['D']]);
    expect(next.value).toEqual({ lines: [1, 2], none: [], one: 3 });
  });

  it('delivers a failed statement to the caller of step, and the run still fails', async () => {
    const boom = new Error('boom');
    const seen: unknown[] = [];
    function* script(): StatementScript<string> {
      try {
        yield* step({ only: statement('X', []) });
      } catch (err) {
        seen.push(err);
        return 'swallowed';
      }
      return 'not reached';
    }
    await expect(
      runScriptAgainst(script(), () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(seen).toEqual([boom]);
  });
});
