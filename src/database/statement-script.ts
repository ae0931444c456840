/** One parameterised statement; its text must not depend on the parameter values. */
export interface Statement {
  sql: string;
  params: unknown[];
  /**
   * The script does not read the result (on MySQL it gets an empty one at once), so a
   * driver may hold the statement back and send it with the next one, or with the COMMIT. It still
   * runs in order, and an error in it still rolls the whole transaction back.
   */
  deferred?: boolean;
}

/** What a script yields: one statement, or several to be sent together (results in order). */
export type Step = Statement | readonly Statement[];

/** What a statement gave back, the same shape on every driver. */
export interface StatementResult {
  rows: Record<string, unknown>[];
  /** Rows changed by INSERT/UPDATE/DELETE. */
  affected: number;
  /** The new row's id after an INSERT into a table with an auto-increment key. */
  insertId: number | undefined;
}

/**
 * A transaction's work as a generator of statements: a script reads its results by
 * name, `const { order } = yield* step({ lines: [...], order: statement(...) })`, and
 * yields a deferred statement alone (`yield deferred(...)`). It does no I/O itself, so
 * one script runs synchronously on better-sqlite3 (no await, so no other request can
 * interleave and no lock is taken) and asynchronously on MySQL, where the statements of
 * one step, the deferred ones before them and the transaction's BEGIN/COMMIT travel in
 * one packet (mysql-script-driver.ts). A script always runs in a transaction of its own
 * (TransactionRunner.runScript); scripts compose with `yield*` (the cart checkout is
 * its own read and delete, then the order placement, then the idempotency record).
 */
export type StatementScript<T> = Generator<Step, T, StatementResult[]>;

/** The statements of one step, each name standing for one statement or a list of them. */
export type NamedStatements = Record<string, Statement | readonly Statement[]>;

/** A step's results under the names of its statements. */
export type NamedResults<S extends NamedStatements> = {
  [K in keyof S]: S[K] extends readonly Statement[] ? StatementResult[] : StatementResult;
};

/**
 * One step of named statements, sent together in the order they are written (so the
 * names must not look like integers: those keys come first in an object). A driver
 * error reaches the caller at its `yield*`.
 */
export function* step<S extends NamedStatements>(named: S): StatementScript<NamedResults<S>> {
  const parts = Object.entries(named);
  const results = yield parts.flatMap(([, part]) => stepStatements(part));
  const out: Record<string, StatementResult | StatementResult[]> = {};
  let i = 0;
  for (const [name, part] of parts) {
    if ('sql' in part) {
      out[name] = results[i++];
    } else {
      out[name] = results.slice(i, i + part.length);
      i += part.length;
    }
  }
  return out as NamedResults<S>;
}

export function statement(sql: string, params: unknown[]): Statement {
  return { sql, params };
}

/** A statement whose result the script does not need (see Statement.deferred). */
export function deferred(sql: string, params: unknown[]): Statement {
  return { sql, params, deferred: true };
}

/**
 * A step failed (a driver error): the script gets the error at its `yield`, where it may
 * put it in its own words, but it has to throw: a transaction with a failed step cannot
 * carry on. The original error stands if it does not.
 */
export function failStep(script: StatementScript<unknown>, err: unknown): never {
  script.throw(err);
  throw err;
}

export function stepStatements(step: Step): readonly Statement[] {
  return 'sql' in step ? [step] : step;
}

/** Runs a script synchronously, each statement through `execute` (better-sqlite3). */
export function runScriptSync<T>(
  script: StatementScript<T>,
  execute: (statement: Statement) => StatementResult,
): T {
  let step = script.next();
  while (!step.done) {
    let results: StatementResult[];
    try {
      results = stepStatements(step.value).map(execute);
    } catch (err) {
      failStep(script, err);
    }
    step = script.next(results);
  }
  return step.value;
}

/** `?, ?, ?` for n parameters. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** better-sqlite3 reports lastInsertRowid, mysql2 a result header with insertId. */
export function insertIdOf(raw: unknown): number | undefined {
  if (typeof raw === 'number' || typeof raw === 'bigint') return Number(raw);
  if (typeof raw === 'object' && raw !== null && 'insertId' in raw) {
    const id = (raw as { insertId?: unknown }).insertId;
    return typeof id === 'number' || typeof id === 'bigint' ? Number(id) : undefined;
  }
  return undefined;
}
