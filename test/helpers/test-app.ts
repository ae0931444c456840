import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

export const ADMIN = { username: 'admin', password: 'admin-password-e2e' };

/** The database the e2e suite runs on: TEST_DATABASE_URL (MySQL/MariaDB) or a fresh SQLite file. */
export const onMysql = Boolean(process.env.TEST_DATABASE_URL);
export const redisUrl = process.env.REDIS_URL;

export interface TestApp {
  app: NestFastifyApplication;
  baseUrl: string;
  databaseUrl: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Extra environment for this app (e.g. THROTTLE_LIMIT). */
  env?: Record<string, string | undefined>;
  /** Reuse an existing database (a second instance); default: a fresh, empty one. */
  databaseUrl?: string;
  /** A fresh SQLite database even when the suite runs on MySQL (another deployment). */
  sqlite?: boolean;
}

/**
 * The REDIS_KEY_PREFIX of each database this process created: Redis holds nothing of a fresh
 * database, and every instance on one database shares its keys, as deployments do. (The
 * MySQL database is dropped and created again under the same name, so it cannot rely on the
 * prefix derived from its name; other processes may use the same Redis database, so nothing
 * is flushed.)
 */
const redisKeyPrefixes = new Map<string, string>();

/** A fresh, empty database with a Redis key prefix of its own (see redisKeyPrefixOf). */
export async function freshDatabase(sqlite = !onMysql): Promise<string> {
  const url = await createDatabase(sqlite);
  redisKeyPrefixes.set(url, `e2e:${randomBytes(6).toString('hex')}:`);
  return url;
}

/** The REDIS_KEY_PREFIX every instance on this database (in-process or a child) must use. */
export function redisKeyPrefixOf(databaseUrl: string): string | undefined {
  return redisKeyPrefixes.get(databaseUrl);
}

async function createDatabase(sqlite: boolean): Promise<string> {
  if (sqlite) {
    const dir = mkdtempSync(join(tmpdir(), 'storefront-e2e-'));
    return `sqlite:${join(dir, 'test.sqlite')}`;
  }
  const url = new URL(process.env.TEST_DATABASE_URL as string);
  const name = url.pathname.replace(/^\//, '') || 'storefront_test';
  const conn = await createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  });
  await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  return url.toString();
}

/** Starts the real app (same factory as main.ts) on a random port, migrated. */
export async function startApp(options: StartOptions = {}): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? (await freshDatabase(options.sqlite));
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DATABASE_MIGRATIONS_RUN: 'true',
    JWT_SECRET: 'e2e-secret-that-is-at-least-32-bytes-long!!',
    BCRYPT_COST: '4',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'silent',
    THROTTLE_LIMIT: '100000',
    LOGIN_THROTTLE_LIMIT: '100000',
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: redisKeyPrefixOf(databaseUrl),
    ...options.env,
  };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const { createApp } = await import('../../src/app.factory');
  const app = await createApp({ logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    databaseUrl,
    close: () => app.close(),
  };
}
