import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { DatabaseConfig } from '../config/database.config';
import { TimestampsSubscriber } from './timestamps.subscriber';

/**
 * The one TypeORM options object: the app (TypeOrmModule) and the migration CLI
 * (data-source.ts) both build theirs here, so they can never disagree.
 */
export function buildTypeOrmOptions(config: DatabaseConfig): DataSourceOptions {
  const common = {
    entities: [join(__dirname, '..', '**', '*.entity.{ts,js}')],
    migrations: [join(__dirname, 'migrations', '*.{ts,js}')],
    synchronize: false,
    migrationsRun: config.migrationsRun,
    migrationsTransactionMode: 'each' as const,
    subscribers: [TimestampsSubscriber],
    logging: false,
  };
  if (config.url.startsWith('sqlite:')) {
    const database = config.url.slice('sqlite:'.length);
    return {
      ...common,
      type: 'better-sqlite3',
      database,
      // WAL lets readers proceed while a writer commits; timeout is SQLite's busy wait.
      enableWAL: database !== ':memory:',
      timeout: 5000,
      // TypeORM's default of 100 prepared statements thrashes with this app's query mix.
      statementCacheSize: 1000,
    };
  }
  const url = config.url.replace(/^mariadb:/, 'mysql:');
  return {
    ...common,
    type: 'mysql',
    url,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    // Fail fast when the database is down: requests answer 503 instead of hanging.
    connectTimeout: 3000,
    extra: { connectionLimit: 20, enableKeepAlive: true },
  };
}

export function isMysql(options: DataSourceOptions): boolean {
  return options.type === 'mysql' || options.type === 'mariadb';
}
