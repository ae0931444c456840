import { ADMIN, startApp, TestApp } from './helpers/test-app';
import { expectProblem, Http } from './helpers/http';

describe('HTTP basics (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let admin: string;

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
  });
  afterAll(async () => t.close());

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await http.request('POST', '/products', {
      token: admin,
      raw: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(res, 400);
  });

  it('answers an unsupported media type with 415', async () => {
    const res = await http.request('POST', '/products', {
      token: admin,
      raw: 'name=x',
      headers: { 'content-type': 'text/plain' },
    });
    expectProblem(res, 415);
  });

  it('answers an oversized body with 413', async () => {
    const res = await http.request('POST', '/products', {
      token: admin,
      raw: JSON.stringify({ name: 'x', price: '1.00', description: 'a'.repeat(2 * 1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(res, 413);
  });

  it('answers an unknown route with a 404 problem', async () => {
    // Deliberately not in the document: skip the document check for this one.
    expectProblem(await http.get('/does-not-exist', { token: admin, docCheck: false }), 404);
  });

  it('sets the security headers and echoes X-Request-Id', async () => {
    const res = await http.get('/products', {
      token: admin,
      headers: { 'x-request-id': 'req-abc-123' },
    });
    expect(res.headers.get('x-request-id')).toBe('req-abc-123');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('generates a request id when none is given', async () => {
    const res = await http.get('/health');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves liveness and readiness without a token', async () => {
    const live = await http.get('/health');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
    const ready = await http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.database.status).toBe('up');
  });

  it('serves the API document and Swagger UI without a token', async () => {
    const json = await fetch(`${t.baseUrl}/docs-json`);
    expect(json.status).toBe(200);
    const doc = (await json.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/api/v1/products/{id}');
    expect((await fetch(`${t.baseUrl}/docs`)).status).toBe(200);
    expect((await fetch(`${t.baseUrl}/docs-yaml`)).status).toBe(200);
  });
});
