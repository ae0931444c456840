import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import Redis from 'ioredis';

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
}

/** A fresh, empty database (and Redis db) for this test file. */
export async function freshDatabase(): Promise<string> {
  if (!onMysql) {
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
  if (redisUrl) {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    await redis.flushdb();
    redis.disconnect();
  }
  return url.toString();
}

/** Starts the real app (same factory as main.ts) on a random port, migrated. */
export async function startApp(options: StartOptions = {}): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? (await freshDatabase());
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
