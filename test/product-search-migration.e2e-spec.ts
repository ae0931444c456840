import type { TestApp } from './helpers/test-app';
import type { Http } from './helpers/http';
import { upgradeFrom } from './helpers/migration-upgrade';

const MIGRATION = 'ProductSearch1797100000000';

/** Products written before the search index existed are found once the app has migrated. */
describe('Product search migration on an existing database (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let admin: string;

  beforeAll(async () => {
    ({ t, http, admin } = await upgradeFrom(MIGRATION, async (ds) => {
      const insert =
        'INSERT INTO products (name, description, sku, priceCents, stock, deletedAt) VALUES (?, ?, ?, ?, ?, ?)';
      await ds.query(insert, ['Vieux café', 'Torréfié à Zürich', 'CAF-1', 100, 5, null]);
      // More than one batch of the backfill.
      for (let i = 0; i < 3; i++) {
        await ds.query(
          `INSERT INTO products (name, priceCents, stock) VALUES ${Array.from({ length: 400 }, () => '(?, ?, ?)').join(', ')}`,
          Array.from({ length: 400 }, (_, k) => [`Filler ${i * 400 + k}`, 100, 1]).flat(),
        );
      }
      await ds.query(insert, ['Gone café', null, null, 100, 5, '2026-01-01 10:00:00.000']);
    }));
  });
  afterAll(async () => t?.close());

  it('indexes the live products that were there, not the deleted ones', async () => {
    const cafe = await http.get('/products?search=CAFE', { token: admin });
    expect(cafe.body.data.map((p: { name: string }) => p.name)).toEqual(['Vieux café']);
    const town = await http.get('/products?search=zurich%20torrefie%20caf', { token: admin });
    expect(town.body.data.map((p: { name: string }) => p.name)).toEqual(['Vieux café']);
    const fillers = await http.get('/products?search=filler', { token: admin });
    expect(fillers.body.meta.total).toBe(1200);
    const last = await http.get('/products?search=filler%201199', { token: admin });
    expect(last.body.data.map((p: { name: string }) => p.name)).toEqual(['Filler 1199']);
  });
});
