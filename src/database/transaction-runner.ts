import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager } from 'typeorm';
import { wrapSharedQuery } from '../fences/typeorm.fence';
import { DomainError } from '../common/errors/domain-error';
import { MysqlScriptDriver } from './mysql-script-driver';
import { ScriptDriver, SqliteScriptDriver } from './script-drivers';
import { StatementScript } from './statement-script';

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
export class TransactionRunner implements OnApplicationShutdown {
  static readonly ATTEMPTS = 3;
  private readonly serialise: boolean;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly holder = new AsyncLocalStorage<true>();
  /** Holder plus waiters: when none is left the AsyncLocalStorage is switched off. */
  private queued = 0;
  private scriptDriver?: ScriptDriver;

  constructor(private readonly dataSource: DataSource) {
    this.serialise = dataSource.options.type === 'better-sqlite3';
    if (this.serialise) this.guardSharedQueryRunner();
  }

  private guardSharedQueryRunner(): void {
    wrapSharedQuery(
      this.dataSource,
      (query) =>
        (...args) =>
          this.exclusive(() => query(...args)),
    );
  }

  /** `work` in one transaction; it may run more than once, so it must not have side effects outside `em`. */
  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.retrying(() => this.exclusive(() => this.dataSource.transaction(work)));
  }

  /**
   * A statement script (see statement-script.ts) in a transaction; `make` builds a fresh
   * script for each attempt. The lean path for the hottest write (placing an order;
   * script-drivers.ts). On MySQL its statements travel in as few packets as the script
   * allows (mysql-script-driver.ts). On SQLite the scripts of one event-loop turn share one commit
   * (group commit, each in its own savepoint) that runs straight on the driver,
   * synchronously: when no other transaction holds or waits for the lock it takes none
   * (nothing can interleave) and needs no AsyncLocalStorage.
   */
  runScript<T>(make: () => StatementScript<T>): Promise<T> {
    const driver = this.scripts();
    return this.retrying(() => driver.run(make()));
  }

  private scripts(): ScriptDriver {
    this.scriptDriver ??= this.serialise
      ? new SqliteScriptDriver(this.dataSource, (commit) =>
          this.queued === 0 ? commit() : this.exclusive(commit),
        )
      : MysqlScriptDriver.forDataSource(this.dataSource);
    return this.scriptDriver;
  }

  /**
   * The MySQL script driver's pool of its own; TypeORM closes the data source. Not in
   * onModuleDestroy: Nest runs that before the HTTP server stops, while orders in flight
   * still need the pool.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.scriptDriver?.close?.();
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
