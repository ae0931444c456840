/**
 * Two input rules that hold for every route, driven by swagger.yaml so that routes added
 * later are covered without touching this file:
 * - a path id is a canonical positive integer (`^[1-9][0-9]{0,9}$`, <= 2^31 - 1), else 400;
 * - a method a path does not have is 405 with `Allow`; an unknown path stays 404.
 */
import { expectProblem, Http, HttpResponse } from './helpers/http';
import { MISSING_ID, ODD_IDS, oddInputFields } from './helpers/fuzz';
import { HTTP_METHODS, oracle } from './helpers/openapi';
import { customerSession } from './helpers/seed';
import { ADMIN, startApp, TestApp } from './helpers/test-app';

describe('Path ids and methods (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let admin: string;
  let customer: string;
  /** Products 1..16 exist: `01`, `1.0`, `%201` would name 1 and `0x10` 16 if taken loosely. */
  const products: number[] = [];

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
    customer = (await customerSession(t.app, http, 'ids-shopper')).token;
    for (let i = 1; i <= 16; i++) {
      const res = await http.post(
        '/products',
        { name: `Id ${i}`, price: '1.00', stock: 5 },
        { token: admin },
      );
      products.push(res.body.id);
    }
  });
  afterAll(async () => t.close());

  const operations = oracle().operations;
  const withIds = operations.filter((o) => oddInputFields(o).ids.length > 0);

  /** As the administrator, or as the customer where only a customer may (the cart). */
  async function send(method: string, path: string, body: unknown): Promise<HttpResponse> {
    const opts = (token: string) => ({ token, body: method === 'GET' ? undefined : body });
    const res = await http.request(method, path, opts(admin));
    return res.status === 403 ? http.request(method, path, opts(customer)) : res;
  }

  it('has the products the loose readings would find', () => {
    expect(products).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(withIds.length).toBeGreaterThan(5);
  });

  it.each(withIds.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o] as const))(
    '%s answers every non-canonical id with 400 naming the parameter',
    async (_name, o) => {
      const body = o.op.requestBody ? {} : undefined;
      for (const name of oddInputFields(o).ids) {
        for (const odd of ODD_IDS) {
          const path = oddInputFields(o)
            .ids.reduce(
              (p, param) => p.replace(`{${param}}`, param === name ? odd : MISSING_ID),
              o.path,
            )
            .replace(/^\/api\/v1/, '');
          const res = await send(o.method.toUpperCase(), path, body);
          // The path in the failure message says which id was taken.
          expect({ path, status: res.status }).toEqual({ path, status: 400 });
          expectProblem(res, 400);
          expect(res.body.errors).toEqual([
            { field: name, message: `${name} must be a positive integer` },
          ]);
        }
      }
    },
  );

  it('reads, edits and deletes nothing through a loose id, also with the canonical one cached', async () => {
    const canonical = await http.get('/products/16', { token: customer });
    expect(canonical.body).toMatchObject({ id: 16, name: 'Id 16' });
    expect((await http.get('/products/16', { token: customer })).headers.get('x-cache')).toBe(
      'HIT',
    );
    for (const loose of ['0x10', '016', '16.0', '1.6e1', '%2016', '16%20', '+16']) {
      expectProblem(await http.get(`/products/${loose}`, { token: customer }), 400);
      expectProblem(
        await http.patch(`/products/${loose}`, { name: 'Hijacked' }, { token: admin }),
        400,
      );
      expectProblem(await http.delete(`/products/${loose}`, { token: admin }), 400);
      expectProblem(
        await http.put(`/cart/items/${loose}`, { quantity: 1 }, { token: customer }),
        400,
      );
    }
    expect((await http.get('/products/16', { token: admin })).body).toMatchObject({
      id: 16,
      name: 'Id 16',
    });
    expect((await http.get('/cart', { token: customer })).body.items).toEqual([]);
  });

  it('takes the largest id and refuses the next one', async () => {
    expectProblem(await http.get('/products/2147483647', { token: customer }), 404);
    expectProblem(await http.get('/products/2147483648', { token: customer }), 400);
    // Percent-encoded digits are the same id (RFC 3986 2.3): not a loose reading.
    expect((await http.get('/products/%31%36', { token: customer })).body.id).toBe(16);
  });

  describe('methods', () => {
    /** The methods the document gives each path, and one concrete URL for it. */
    const paths = Object.entries<Record<string, unknown>>(oracle().doc.paths).map(
      ([template, item]) => ({
        template,
        url: template.replace(/^\/api\/v1/, '').replace(/\{[^}]+\}/g, '1'),
        methods: HTTP_METHODS.filter((m) => item[m]).map((m) => m.toUpperCase()),
      }),
    );
    const allowOf = (res: HttpResponse) =>
      (res.headers.get('allow') ?? '')
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean)
        .sort();

    it.each(paths.map((p) => [p.template, p] as const))(
      '%s answers every method it lacks with 405 and an Allow header listing the ones it has',
      async (_template, p) => {
        // Fastify answers HEAD for every GET route: the router's truth, listed as well.
        const expected = [...p.methods, ...(p.methods.includes('GET') ? ['HEAD'] : [])].sort();
        const lacking = HTTP_METHODS.map((m) => m.toUpperCase()).filter(
          (m) => !p.methods.includes(m),
        );
        expect(lacking.length).toBeGreaterThan(0);
        for (const method of lacking) {
          for (const token of [undefined, admin]) {
            // Not an operation of the document, on purpose.
            const body = method === 'GET' ? undefined : {};
            const res = await http.request(method, p.url, { token, body, docCheck: false });
            expect({ method, status: res.status }).toEqual({ method, status: 405 });
            expectProblem(res, 405);
            expect(allowOf(res)).toEqual(expected);
            expect(res.headers.get('x-request-id')).toBeTruthy();
          }
        }
      },
    );

    it('keeps 404 without Allow for a path that does not exist', async () => {
      for (const path of ['/nothing', '/products/1/nothing', '/cart/items', '/orders/1/refund']) {
        for (const method of ['GET', 'POST', 'DELETE']) {
          const res = await http.request(method, path, { token: admin, docCheck: false });
          expectProblem(res, 404);
          expect(res.headers.get('allow')).toBeNull();
        }
      }
    });

    it('routes what a path has: HEAD of a GET path is not a 405', async () => {
      const head = await http.request('HEAD', '/health', { docCheck: false });
      expect(head.status).toBe(200);
      const get = await http.get('/products/1', { token: customer });
      expect(get.status).toBe(200);
    });
  });
});
