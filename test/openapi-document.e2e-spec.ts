/**
 * swagger.yaml is complete (every operation follows the house rules) and the response oracle
 * that test/helpers/http.ts applies to every e2e request really catches disagreements.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { oracle, OpenApiOracle } from './helpers/openapi';

/** The only operations that need no token (DESIGN: login, refresh, health; docs are not in it). */
const PUBLIC_OPERATIONS = new Set(['login', 'refresh', 'health', 'ready']);
const RATE_LIMIT_HEADERS = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'];

const doc = oracle().doc;
const operations = oracle().operations;
const isHealth = (op: any) => (op.tags ?? []).includes('health');

describe('swagger.yaml is complete', () => {
  it('has operations', () => {
    expect(operations.length).toBeGreaterThan(5);
  });

  it('gives every operation a unique camelCase operationId', () => {
    const ids = operations.map((o) => o.operationId);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9]*$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(operations.map((o) => [o.operationId, o] as const))(
    '%s: summary, one feature tag, security, errors, schemas and headers',
    (_id, { op }) => {
      expect(typeof op.summary).toBe('string');
      expect(op.summary.length).toBeGreaterThan(3);
      expect(op.tags).toHaveLength(1);
      expect(doc.tags.map((t: { name: string }) => t.name)).toContain(op.tags[0]);

      const statuses = Object.keys(op.responses);
      if (PUBLIC_OPERATIONS.has(op.operationId)) {
        expect(op.security).toEqual([]);
      } else {
        expect(op.security).toEqual([{ bearer: [] }]);
        expect(statuses).toContain('401');
      }
      if (!isHealth(op)) {
        expect(statuses).toEqual(expect.arrayContaining(['429', '503']));
        expect(statuses.some((s) => s.startsWith('4'))).toBe(true);
      }
      expect(statuses.some((s) => s.startsWith('2'))).toBe(true);
      if (op.requestBody) {
        expect(op.requestBody.content['application/json'].schema).toBeDefined();
        expect(statuses).toEqual(expect.arrayContaining(['400', '415']));
      }

      for (const status of statuses) {
        const res = oracle().resolve(op.responses[status]);
        expect(res.description).toBeTruthy();
        const headers = Object.keys(res.headers ?? {});
        expect(headers).toContain('X-Request-Id');
        if (!isHealth(op)) expect(headers).toEqual(expect.arrayContaining(RATE_LIMIT_HEADERS));
        if (status === '429') expect(headers).toContain('Retry-After');
        if (Number(status) >= 400) {
          // Errors are problem+json, and nothing else.
          expect(Object.keys(res.content)).toEqual(['application/problem+json']);
          expect(res.content['application/problem+json'].schema).toEqual({
            $ref: '#/components/schemas/ProblemDto',
          });
        } else if (status !== '204') {
          const schema = res.content?.['application/json']?.schema;
          expect(schema).toBeDefined();
        } else {
          expect(res.content).toBeUndefined();
        }
      }
    },
  );

  it('has an example on every property of every component schema', () => {
    const missing: string[] = [];
    for (const [name, schema] of Object.entries<any>(doc.components.schemas)) {
      for (const [prop, s] of Object.entries<any>(schema.properties ?? {})) {
        const exemplified =
          s.example !== undefined ||
          s.$ref ||
          s.allOf ||
          (s.type === 'array' && (s.items?.$ref || s.items?.example !== undefined));
        if (!exemplified) missing.push(`${name}.${prop}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('writes money as a decimal string and pages as { data, meta }', () => {
    for (const [name, schema] of Object.entries<any>(doc.components.schemas)) {
      if (name.endsWith('ResponseDto') || name.endsWith('PageDto')) {
        for (const [prop, s] of Object.entries<any>(schema.properties ?? {})) {
          if (/price|total|amount/i.test(prop) && prop !== 'total' && !s.$ref) {
            expect({ [`${name}.${prop}`]: s.type }).toEqual({ [`${name}.${prop}`]: 'string' });
          }
        }
      }
      if (name.endsWith('PageDto')) {
        expect(schema.required).toEqual(expect.arrayContaining(['data', 'meta']));
        expect(schema.properties.meta).toEqual({ $ref: '#/components/schemas/PageMetaDto' });
      }
    }
  });
});

describe('the response oracle catches disagreements', () => {
  const check = (
    o: OpenApiOracle,
    method: string,
    url: string,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const h = new Headers(headers);
    if (text && !h.has('content-type')) h.set('content-type', 'application/json; charset=utf-8');
    return o.check(method, url, { status, headers: h, body, text });
  };
  const product = {
    id: 1,
    name: 'Tea',
    description: null,
    sku: null,
    price: '4.10',
    stock: 3,
    categories: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };

  it('accepts a conforming answer', () => {
    expect(check(oracle(), 'GET', '/api/v1/products/1', 200, product)).toEqual([]);
  });

  it('flags an undeclared status', () => {
    expect(check(oracle(), 'GET', '/api/v1/products/1', 418, product).join()).toMatch(
      /status 418 is not declared/,
    );
  });

  it('flags a body that does not match the schema (number instead of a money string)', () => {
    expect(
      check(oracle(), 'GET', '/api/v1/products/1', 200, { ...product, price: 4.1 }).join(),
    ).toMatch(/body\/price must be string/);
    const withoutSku: Partial<typeof product> = { ...product };
    delete withoutSku.sku;
    expect(check(oracle(), 'GET', '/api/v1/products/1', 200, withoutSku).join()).toMatch(/sku/);
  });

  it('flags an undeclared media type and an undeclared API header', () => {
    expect(
      check(oracle(), 'GET', '/api/v1/products/1', 404, product, {
        'content-type': 'text/html',
      }).join(),
    ).toMatch(/content-type "text\/html" is not declared/);
    expect(
      check(oracle(), 'GET', '/api/v1/products/1', 200, product, { 'x-debug': '1' }).join(),
    ).toMatch(/header x-debug is sent but not declared/);
    expect(
      check(oracle(), 'GET', '/api/v1/products/1', 200, product, { 'x-cache': 'MAYBE' }).join(),
    ).toMatch(/x-cache="MAYBE" is not one of HIT, MISS/);
  });

  it('flags a route the document does not have', () => {
    expect(check(oracle(), 'PUT', '/api/v1/products/1', 200, product).join()).toMatch(
      /no operation in swagger.yaml/,
    );
  });

  it('flags a required header that is missing', () => {
    const copy = load(readFileSync(join(__dirname, '..', 'swagger.yaml'), 'utf8')) as any;
    copy.components.headers['X-Request-Id'].required = true;
    expect(
      check(new OpenApiOracle(copy), 'GET', '/api/v1/products/1', 200, product).join(),
    ).toMatch(/required header x-request-id is missing/);
  });
});
