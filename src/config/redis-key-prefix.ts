import { createHash, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

/**
 * The default REDIS_KEY_PREFIX: a short hash of the database's identity, so two deployments
 * sharing one Redis (staging and production, two shops) never read each other's keys, while
 * every instance of one deployment (same database) agrees on the prefix without being told.
 *
 * Identity: host, port and database name for MySQL/MariaDB (not the user or password: the
 * same database under another login is the same deployment); the absolute file path for
 * SQLite. An in-memory SQLite database belongs to one process, so it gets a random prefix.
 */
export function defaultRedisKeyPrefix(databaseUrl: string, cwd = process.cwd()): string {
  return `sf:${hash(databaseIdentity(databaseUrl, cwd))}:`;
}

function databaseIdentity(databaseUrl: string, cwd: string): string {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    if (file === ':memory:') return `sqlite-memory:${randomBytes(16).toString('hex')}`;
    return `sqlite:${resolve(cwd, file)}`;
  }
  let url: URL;
  try {
    url = new URL(databaseUrl.replace(/^mariadb:/, 'mysql:'));
  } catch {
    // Not a URL at all: the database connection will say so; the text still identifies it.
    return databaseUrl;
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return `mysql://${url.hostname.toLowerCase()}:${url.port || '3306'}/${database}`;
}

const hash = (identity: string) =>
  createHash('sha256').update(identity).digest('base64url').slice(0, 12);
