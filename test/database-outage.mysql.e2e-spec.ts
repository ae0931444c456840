import { ADMIN, startApp, TestApp } from './helpers/test-app';
import { expectProblem, Http } from './helpers/http';
import { TcpProxy } from './helpers/tcp-proxy';

// Runs only in the MariaDB pass (jest-e2e.config.js selects *.mysql.e2e-spec.ts files):
// an outage needs a networked database; an embedded SQLite file has nothing to cut.
describe('Database outage (e2e, MySQL)', () => {
  let t: TestApp;
  let http: Http;
  let proxy: TcpProxy;
  let token: string;

  beforeAll(async () => {
    // Migrate a fresh database directly, then run the app through a proxy we can cut.
    const direct = await startApp();
    const url = new URL(direct.databaseUrl);
    await direct.close();
    proxy = new TcpProxy(url.hostname, Number(url.port || 3306));
    const port = await proxy.start();
    url.host = `127.0.0.1:${port}`;
    t = await startApp({ databaseUrl: url.toString() });
    http = new Http(t.baseUrl);
    token = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
  });
  afterAll(async () => {
    await t.close();
    await proxy.stop();
  });

  it('answers 503 problem+json within 5 s while the database is down, and recovers by itself', async () => {
    expect((await http.get('/products', { token })).status).toBe(200);
    const port = proxy.port;
    await proxy.stop();

    const started = Date.now();
    const down = await http.get('/products?page=2', { token });
    expect(Date.now() - started).toBeLessThan(5000);
    expectProblem(down, 503);
    const ready = await http.get('/health/ready');
    expectProblem(ready, 503);
    expect((await http.get('/health')).status).toBe(200);

    await proxy.start(port);
    let status = 0;
    for (let i = 0; i < 20 && status !== 200; i++) {
      status = (await http.get('/products?page=3', { token })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    expect((await http.get('/health/ready')).status).toBe(200);
  });
});
