import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ADMIN, startApp, TestApp } from './helpers/test-app';
import { Http } from './helpers/http';

// MariaDB pass only: SQLite runs one write at a time, so creates can never deadlock there.
describe('Products created at the same time (e2e, MySQL)', () => {
  let t: TestApp;
  let http: Http;
  let ds: DataSource;
  let token: string;

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    ds = t.app.get<DataSource>(getDataSourceToken());
    token = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
  });
  afterAll(async () => t.close());

  const deadlocks = async () => {
    const rows = await ds.query<{ Value: string }[]>("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'");
    return Number(rows[0].Value);
  };

  it('creates 160 products, 16 at a time, each 201 and without one deadlock', async () => {
    // Each create writes the product's search words; a DELETE of a new product's (no) words
    // locked the gap every create shares, and creates deadlocked (retried, then 503).
    const before = await deadlocks();
    const statuses: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < 160) {
        const i = next++;
        const res = await http.post(
          '/products',
          { name: `Concurrent product ${i}`, price: '4.99', stock: 10 },
          { token },
        );
        statuses.push(res.status);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(statuses).toEqual(Array(160).fill(201));
    expect((await deadlocks()) - before).toBe(0);
  });
});
