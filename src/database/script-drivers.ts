import type { Database, Statement as SqliteStatement, Transaction } from 'better-sqlite3';
import { DataSource, QueryFailedError } from 'typeorm';
import { runScriptIn, Statement, StatementResult, StatementScript } from './statement-script';

/** Runs a statement script (statement-script.ts) in one transaction of its own. */
export interface ScriptDriver {
  run<T>(script: StatementScript<T>): Promise<T>;
}

/** Script texts depend only on the number of lines; the bound is a safety net. */
const MAX_STATEMENTS = 500;

/**
 * better-sqlite3: the whole script synchronously, in one BEGIN IMMEDIATE ... COMMIT on
 * TypeORM's (only) connection, with statements prepared once. Synchronous means nothing
 * else runs meanwhile; the caller must make sure no other transaction is open. It skips
 * TypeORM's query runner (several promises, events and result objects per statement)
 * and the lock's AsyncLocalStorage. Driver errors are wrapped in QueryFailedError, as
 * TypeORM does, so they map to the same problems and retries.
 */
export class SqliteScriptDriver implements ScriptDriver {
  private readonly db: Database;
  private readonly statements = new Map<string, SqliteStatement>();
  private readonly transaction: Transaction<(script: StatementScript<unknown>) => unknown>;

  constructor(dataSource: DataSource) {
    this.db = (dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection;
    this.transaction = this.db.transaction((script: StatementScript<unknown>) => {
      let step = script.next();
      while (!step.done) step = script.next(this.execute(step.value));
      return step.value;
    });
  }

  // async only for the interface: the body has no await, so it all runs within the call.
  async run<T>(script: StatementScript<T>): Promise<T> {
    return this.transaction.immediate(script) as T;
  }

  private execute({ sql, params }: Statement): StatementResult {
    try {
      let stmt = this.statements.get(sql);
      if (!stmt) {
        if (this.statements.size >= MAX_STATEMENTS) this.statements.clear();
        stmt = this.db.prepare(sql);
        this.statements.set(sql, stmt);
      }
      if (stmt.reader) {
        const rows = stmt.all(...params) as Record<string, unknown>[];
        return { rows, affected: 0, insertId: undefined };
      }
      const info = stmt.run(...params);
      return { rows: [], affected: info.changes, insertId: Number(info.lastInsertRowid) };
    } catch (err) {
      throw new QueryFailedError(sql, params, err as Error);
    }
  }
}

/**
 * MySQL: a TypeORM transaction, the statements through its query runner. Going straight
 * to mysql2 here was measured (place-order +3%, within the run-to-run spread) and not
 * kept: on MySQL the cost is the round trip per statement, not TypeORM.
 */
export class TypeOrmScriptDriver implements ScriptDriver {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(script: StatementScript<T>): Promise<T> {
    return this.dataSource.transaction((em) => runScriptIn(em, script));
  }
}
