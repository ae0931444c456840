import type { Database, Statement as SqliteStatement, Transaction } from 'better-sqlite3';
import { DataSource, QueryFailedError } from 'typeorm';
import { sqliteDatabaseOf } from '../fences/typeorm.fence';
import { runScriptSync, Statement, StatementResult, StatementScript } from './statement-script';

/** Runs a statement script (statement-script.ts) in one transaction of its own. */
export interface ScriptDriver {
  run<T>(script: StatementScript<T>): Promise<T>;
  /** Releases what the driver holds of its own (a pool). */
  close?(): Promise<void>;
}

/** Script texts depend only on the number of lines; the bound is a safety net. */
const MAX_STATEMENTS = 500;

/** Orders gathered into one commit at most; more wait for the next one. */
const MAX_BATCH = 64;

interface Queued {
  script: StatementScript<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** Runs `commit` when no other transaction is open on the connection (TransactionRunner). */
export type CommitGate = (commit: () => Promise<void>) => Promise<void>;

/**
 * better-sqlite3, with group commit. Scripts handed in during one turn of the event loop
 * run together, synchronously, in one BEGIN IMMEDIATE ... COMMIT on TypeORM's (only)
 * connection, each in a SAVEPOINT of its own (better-sqlite3's nested transaction): one
 * that throws is rolled back alone and rejects alone; the others commit. Every promise
 * settles only after the COMMIT, so nothing is answered before it is durable; a failed
 * COMMIT rejects them all (all rolled back; TransactionRunner retries what is retryable).
 *
 * Why: with `synchronous = FULL` (kept: an answered order must survive a power cut) every
 * COMMIT waits for an fsync of the WAL, which was most of an order's time in SQLite. One
 * fsync now covers every order that arrived meanwhile.
 *
 * Statements are prepared once. Synchronous means nothing else runs meanwhile; `gate`
 * keeps an open TypeORM transaction out of the way. It skips TypeORM's query runner
 * (several promises, events and result objects per statement) and the lock's
 * AsyncLocalStorage. Driver errors are wrapped in QueryFailedError, as TypeORM does, so
 * they map to the same problems and retries.
 */
export class SqliteScriptDriver implements ScriptDriver {
  private readonly db: Database;
  private readonly statements: SqliteStatements;
  private readonly each: Transaction<(script: StatementScript<unknown>) => unknown>;
  private readonly all: Transaction<(batch: Queued[]) => Settled[]>;
  private queue: Queued[] = [];

  constructor(
    dataSource: DataSource,
    private readonly gate: CommitGate,
  ) {
    this.db = sqliteDatabaseOf(dataSource);
    this.statements = new SqliteStatements(this.db);
    // Called inside `all`, better-sqlite3 makes this a savepoint.
    this.each = this.db.transaction((script: StatementScript<unknown>) =>
      runScriptSync(script, (s) => this.statements.execute(s)),
    );
    this.all = this.db.transaction((batch: Queued[]) =>
      batch.map((item): Settled => {
        try {
          return { ok: true, value: this.each(item.script) };
        } catch (err) {
          return { ok: false, err };
        }
      }),
    );
  }

  run<T>(script: StatementScript<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ script, resolve, reject });
      // After the poll phase: every request read in this turn joins the commit.
      if (this.queue.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, MAX_BATCH);
    if (this.queue.length > 0) setImmediate(() => void this.flush());
    try {
      await this.gate(async () => this.commit(batch));
    } catch (err) {
      for (const item of batch) item.reject(err);
    }
  }

  private commit(batch: Queued[]): void {
    let settled: Settled[];
    // better-sqlite3 would nest into it as savepoints, and its owner's ROLLBACK would take
    // back orders already answered. The gate makes this unreachable; this keeps it so.
    if (this.db.inTransaction) {
      const err = new Error('A transaction the script driver did not open is in progress');
      for (const item of batch) item.reject(err);
      return;
    }
    try {
      settled = this.all.immediate(batch);
    } catch (err) {
      const failure =
        err instanceof QueryFailedError ? err : new QueryFailedError('COMMIT', [], err as Error);
      for (const item of batch) item.reject(failure);
      return;
    }
    settled.forEach((s, i) => (s.ok ? batch[i].resolve(s.value) : batch[i].reject(s.err)));
  }
}

/**
 * better-sqlite3 statements, each prepared once, with results in the scripts' shape and
 * driver errors wrapped in QueryFailedError, as TypeORM does (same problems, same retries).
 */
export class SqliteStatements {
  private readonly prepared = new Map<string, SqliteStatement>();

  constructor(private readonly db: Database) {}

  execute({ sql, params }: Statement): StatementResult {
    try {
      let stmt = this.prepared.get(sql);
      if (!stmt) {
        if (this.prepared.size >= MAX_STATEMENTS) this.prepared.clear();
        stmt = this.db.prepare(sql);
        this.prepared.set(sql, stmt);
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

type Settled = { ok: true; value: unknown } | { ok: false; err: unknown };
