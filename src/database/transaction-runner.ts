import { Injectable } from '@nestjs/common';
import type { Database, Statement as SqliteStatement, Transaction } from 'better-sqlite3';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager, QueryFailedError, QueryRunner } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { runScriptIn, Statement, StatementResult, StatementScript } from './statement-script';

/** Lock conflicts worth one more try: the whole transaction is replayed from the start. */
const RETRYABLE_CODES = new Set([
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
]);

export function isRetryableError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; driverError?: { code?: unknown } };
  const code = e.driverError?.code ?? e.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs multi-row writes in one transaction, retried a bounded number of times on
 * deadlocks and lock-wait timeouts (then 503).
 *
 * better-sqlite3 in TypeORM is ONE connection with one shared query runner: two
 * overlapping `dataSource.transaction()` calls would interleave their statements in one
 * SQLite transaction (the second BEGIN even turns into a savepoint). So on SQLite every
 * transaction here, and every read that must not see another request's uncommitted rows,
 * goes through an in-process promise-chain mutex. MySQL runs real concurrent transactions.
 *
 * Statements issued anywhere else (a guard's lookup, a single-row update) must not slip
 * into an open transaction either, where a rollback would silently take them along: on
 * SQLite the runner therefore wraps the shared query runner so that any statement not
 * issued by the current lock holder (tracked with AsyncLocalStorage) waits for the lock.
 * Multi-statement writes must use `run()` rather than TypeORM's implicit transactions.
 */
@Injectable()
export class TransactionRunner {
  static readonly ATTEMPTS = 3;
  private readonly serialise: boolean;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly holder = new AsyncLocalStorage<true>();
  /** Holder plus waiters: when none is left the AsyncLocalStorage is switched off. */
  private queued = 0;

  constructor(private readonly dataSource: DataSource) {
    this.serialise = dataSource.options.type === 'better-sqlite3';
    if (this.serialise) this.guardSharedQueryRunner();
  }

  private guardSharedQueryRunner(): void {
    // The SQLite driver hands out one query runner for the whole data source.
    const shared: QueryRunner = this.dataSource.createQueryRunner();
    const query = shared.query.bind(shared) as (...args: unknown[]) => Promise<unknown>;
    const guarded = (...args: unknown[]) => this.exclusive(() => query(...args));
    Object.assign(shared, { query: guarded });
  }

  /** `work` in one transaction; it may run more than once, so it must not have side effects outside `em`. */
  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.retrying(() => this.exclusive(() => this.dataSource.transaction(work)));
  }

  /**
   * A statement script (see statement-script.ts) in one transaction of its own; `make`
   * builds a fresh script for each attempt. This is the lean path for the hottest write
   * (placing an order): on SQLite the whole transaction runs synchronously on the driver's
   * connection (BEGIN IMMEDIATE ... COMMIT, prepared statements kept here), so when no
   * other transaction holds the lock it needs neither the lock nor AsyncLocalStorage,
   * and none of TypeORM's per-statement promises; on MySQL it is a TypeORM transaction.
   * Driver errors are wrapped in QueryFailedError, as TypeORM does, so that they map to
   * the same problems and retries.
   */
  runScript<T>(make: () => StatementScript<T>): Promise<T> {
    if (!this.serialise) {
      return this.retrying(() => this.dataSource.transaction((em) => runScriptIn(em, make())));
    }
    return this.retrying(async () => {
      // Nobody holds or waits for the lock: this runs to the end before anything else can.
      if (this.queued === 0) return this.sqliteRun(make());
      return this.exclusive(async () => this.sqliteRun(make()));
    });
  }

  private async retrying<T>(attemptOnce: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await attemptOnce();
      } catch (err) {
        if (!isRetryableError(err)) throw err;
        if (attempt >= TransactionRunner.ATTEMPTS) {
          throw new DomainError('unavailable', 'The database is busy, try again shortly');
        }
        // Jittered backoff so that the transactions that collided do not collide again.
        await sleep(10 * 2 ** attempt + Math.floor(Math.random() * 20));
      }
    }
  }

  private sqliteTx?: Transaction<(script: StatementScript<unknown>) => unknown>;
  private readonly sqliteStatements = new Map<string, SqliteStatement>();

  /** Drives a script synchronously in one BEGIN IMMEDIATE transaction on TypeORM's connection. */
  private sqliteRun<T>(script: StatementScript<T>): T {
    return this.sqliteTransaction().immediate(script) as T;
  }

  private sqliteTransaction(): Transaction<(script: StatementScript<unknown>) => unknown> {
    if (!this.sqliteTx) {
      const db = (this.dataSource.driver as unknown as { databaseConnection: Database })
        .databaseConnection;
      this.sqliteTx = db.transaction((script: StatementScript<unknown>) => {
        let step = script.next();
        while (!step.done) step = script.next(this.sqliteExecute(db, step.value));
        return step.value;
      });
    }
    return this.sqliteTx;
  }

  private sqliteExecute(db: Database, { sql, params }: Statement): StatementResult {
    try {
      let stmt = this.sqliteStatements.get(sql);
      if (!stmt) {
        // Script texts depend only on the number of lines, so this stays small; the bound
        // is a safety net against a script that builds texts from values.
        if (this.sqliteStatements.size >= 500) this.sqliteStatements.clear();
        stmt = db.prepare(sql);
        this.sqliteStatements.set(sql, stmt);
      }
      if (stmt.reader) {
        return {
          rows: stmt.all(...params) as Record<string, unknown>[],
          affected: 0,
          insertId: undefined,
        };
      }
      const info = stmt.run(...params);
      return { rows: [], affected: info.changes, insertId: Number(info.lastInsertRowid) };
    } catch (err) {
      throw new QueryFailedError(sql, params, err as Error);
    }
  }

  /** Reads without a transaction, but never in the middle of another request's SQLite transaction. */
  read<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.exclusive(() => work(this.dataSource.manager));
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    // Re-entrant: the holder's own statements run at once.
    if (!this.serialise || this.holder.getStore()) return fn();
    this.queued++;
    const result = this.tail.then(() => this.holder.run(true, fn));
    // The chain must survive a failed holder, or every later caller would fail too.
    this.tail = result.catch(() => undefined);
    // An enabled AsyncLocalStorage makes Node run a hook on every promise in the process
    // (~5% of a cached read's CPU in the profile); with no holder and no waiter nothing
    // needs it, and the next run() switches it back on.
    return result.finally(() => {
      if (--this.queued === 0) this.holder.disable();
    });
  }
}
