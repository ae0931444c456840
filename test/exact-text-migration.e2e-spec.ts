import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { onMysql, type TestApp } from './helpers/test-app';
import type { Http } from './helpers/http';
import { upgradeFrom } from './helpers/migration-upgrade';

const MIGRATION = 'ExactText1796157441996';

/**
 * The upgrade of a database the previous release migrated: the exact-text migration is
 * reverted (back to that schema), rows are written as the previous release wrote them, and
 * the app's start migrates again. Also: the entities say what the schema holds.
 */
describe('Exact-text migration on an existing database (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let admin: string;

  beforeAll(async () => {
    ({ t, http, admin } = await upgradeFrom(MIGRATION, async (ds) => {
      // Written whole-second by the old update path: updatedAt before createdAt.
      await ds.query(
        'INSERT INTO customers (name, email, phone, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?)',
        [
          'Old',
          'old@example.com',
          '+441234567890',
          '2026-01-01 10:00:00.700',
          '2026-01-01 10:00:00.000',
        ],
      );
      await ds.query('INSERT INTO products (name, sku, priceCents, stock) VALUES (?, ?, ?, ?)', [
        'Old beans',
        'BEAN-1KG',
        100,
        5,
      ]);
    }));
  });
  afterAll(async () => t?.close());

  it('repairs an updatedAt that was before its createdAt', async () => {
    const list = await http.get('/customers?limit=100', { token: admin });
    const old = (list.body.data as { email: string; createdAt: string; updatedAt: string }[]).find(
      (c) => c.email === 'old@example.com',
    );
    expect(old).toMatchObject({
      createdAt: '2026-01-01T10:00:00.700Z',
      updatedAt: '2026-01-01T10:00:00.700Z',
    });
  });

  it('keeps existing SKUs, now exact and still unique; a product without one has none', async () => {
    const create = (body: Record<string, unknown>) =>
      http.post('/products', { name: 'New', price: '1.00', ...body }, { token: admin });
    expect((await create({ sku: 'bean-1kg' })).status).toBe(201);
    expect((await create({ sku: 'BEAN-1KG' })).status).toBe(409);
    const none = await create({});
    expect(none.status).toBe(201);
    expect(none.body.sku).toBeNull();
  });

  it('gives every column the entities mark exact their collation, and no default', async () => {
    const ds = t.app.get<DataSource>(getDataSourceToken());
    const exact = ds.entityMetadatas.flatMap((m) =>
      m.columns.filter((c) => c.collation).map((c) => [m.tableName, c.databaseName, c.collation]),
    );
    expect(exact.map(([table, column]) => `${table}.${column}`).sort()).toEqual([
      'accounts.username',
      'idempotency_keys.key',
      'products.sku',
      'sessions.id',
    ]);
    if (!onMysql) return; // SQLite has no collations to compare: it compares bytes.
    for (const [table, column, collation] of exact) {
      const [info] = await ds.query<{ c: string; d: string | null }[]>(
        'SELECT COLLATION_NAME AS c, COLUMN_DEFAULT AS d FROM information_schema.COLUMNS ' +
          'WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?',
        [table, column],
      );
      expect(info.c).toBe(collation);
      // MariaDB reports "no default" of a nullable column as the text NULL.
      expect([null, 'NULL']).toContain(info.d);
    }
  });
});
