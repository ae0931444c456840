import { EntityManager } from 'typeorm';

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
 * A transaction's work as a generator of statements: `const [result] = yield statement`,
 * or `const [a, b] = yield [statementA, statementB]`. It does no I/O itself, so one
 * script runs synchronously on better-sqlite3 (no await, so no other request can
 * interleave and no lock is taken) and asynchronously on MySQL, where the statements of
 * one step, the deferred ones before them and the transaction's BEGIN/COMMIT travel in
 * one packet (mysql-script-driver.ts), or inside a transaction someone else opened
 * (runScriptIn). Scripts compose with `yield*`.
 */
export type StatementScript<T> = Generator<Step, T, StatementResult[]>;

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

/** Runs a script inside a transaction the caller owns (its EntityManager), statement by statement. */
export async function runScriptIn<T>(em: EntityManager, script: StatementScript<T>): Promise<T> {
  const runner = em.queryRunner;
  if (!runner) throw new Error('runScriptIn needs an EntityManager of a transaction');
  let step = script.next();
  while (!step.done) {
    const results: StatementResult[] = [];
    for (const { sql, params } of stepStatements(step.value)) {
      const res = (await runner
        .query(sql, params, true)
        .catch((err: unknown) => failStep(script, err))) as {
        records?: Record<string, unknown>[];
        raw?: unknown;
        affected?: number;
      };
      results.push({
        rows: res.records ?? [],
        affected: res.affected ?? 0,
        insertId: insertIdOf(res.raw),
      });
    }
    step = script.next(results);
  }
  return step.value;
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
