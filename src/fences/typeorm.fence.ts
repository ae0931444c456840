import type { Database } from 'better-sqlite3';
import type { PoolOptions } from 'mysql2';
import type { DataSource, QueryRunner } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/**
 * Fence: what this app takes from TypeORM beyond its public API. typeorm.fence.spec.ts
 * fails when a release changes any of it.
 */
export type { ColumnMetadata };

/**
 * The better-sqlite3 connection under a data source (the SQLite driver's one connection):
 * the statement scripts run on it directly (script-drivers.ts).
 */
export function sqliteDatabaseOf(dataSource: DataSource): Database {
  const db = (dataSource.driver as unknown as { databaseConnection?: Database }).databaseConnection;
  if (!db || typeof db.prepare !== 'function') {
    throw new Error('TypeORM changed: the SQLite driver has no better-sqlite3 databaseConnection');
  }
  return db;
}

/**
 * mysql2 pool options exactly as TypeORM's MySQL driver makes them for this data source
 * (charset, time zone, `stringifyObjects`, ...), for the statement scripts' own pool
 * (mysql-script-driver.ts).
 */
export function mysqlPoolOptionsOf(dataSource: DataSource): PoolOptions {
  const driver = dataSource.driver as unknown as {
    options?: unknown;
    createConnectionOptions?(options: unknown, credentials: unknown): PoolOptions;
  };
  if (typeof driver.createConnectionOptions !== 'function') {
    throw new Error('TypeORM changed: the MySQL driver has no createConnectionOptions');
  }
  return driver.createConnectionOptions(driver.options, driver.options);
}

type Query = (...args: unknown[]) => Promise<unknown>;

/**
 * The SQLite driver hands out ONE query runner for the whole data source; this replaces
 * that instance's `query` with `wrap(original)`, so every statement TypeORM issues (through
 * the data source, a repository or a transaction) passes the wrapper (the transaction
 * lock: transaction-runner.ts). Throws when the runner is not shared any more: the lock
 * would silently not hold.
 */
export function wrapSharedQuery(dataSource: DataSource, wrap: (query: Query) => Query): void {
  const shared: QueryRunner = dataSource.createQueryRunner();
  if (dataSource.createQueryRunner() !== shared) {
    throw new Error('TypeORM changed: the SQLite driver no longer shares one query runner');
  }
  const query = shared.query.bind(shared) as Query;
  Object.assign(shared, { query: wrap(query) });
}
