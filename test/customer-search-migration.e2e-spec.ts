import type { TestApp } from './helpers/test-app';
import type { Http } from './helpers/http';
import { upgradeFrom } from './helpers/migration-upgrade';

const MIGRATION = 'CustomerSearch1797500000000';

/** Customers written before the customer search index existed are found once migrated. */
describe('Customer search migration on an existing database (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let admin: string;

  beforeAll(async () => {
    ({ t, http, admin } = await upgradeFrom(MIGRATION, async (ds) => {
      const insert = 'INSERT INTO customers (name, email, phone) VALUES (?, ?, ?)';
      await ds.query(insert, ['Élodie Marchand', 'elodie@marche.test', '+33123456789']);
      // More than one batch of the backfill.
      for (let i = 0; i < 3; i++) {
        await ds.query(
          `INSERT INTO customers (name, email, phone) VALUES ${Array.from({ length: 400 }, () => '(?, ?, ?)').join(', ')}`,
          Array.from({ length: 400 }, (_, k) => [
            `Filler ${i * 400 + k}`,
            `filler${i * 400 + k}@old.test`,
            `+4930${String(i * 400 + k).padStart(6, '0')}`,
          ]).flat(),
        );
      }
    }));
  });
  afterAll(async () => t?.close());

  it('indexes the customers that were there, and keeps their rows', async () => {
    const found = await http.get('/customers?search=ELODIE%20MARCH', { token: admin });
    expect(found.body.data.map((c: { name: string }) => c.name)).toEqual(['Élodie Marchand']);
    const byMail = await http.get('/customers?search=old.test', { token: admin });
    expect(byMail.body.meta).toMatchObject({ total: 1200, totalExact: true });
    const last = await http.get('/customers?search=filler1199%40', { token: admin });
    expect(last.body.data.map((c: { name: string }) => c.name)).toEqual(['Filler 1199']);
    // The admin account (and its customer) made by the first start are still there.
    expect((await http.get('/auth/me', { token: admin })).status).toBe(200);
    const all = await http.get('/customers?limit=1', { token: admin });
    expect(all.body.meta.total).toBeGreaterThanOrEqual(1201);
  });
});
