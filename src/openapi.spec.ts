import { OpenAPIObject, OperationObject, ParameterObject, ResponseObject } from '@nestjs/swagger';
import { completeDocument } from './openapi';
import { PUBLIC_EXTENSION } from './common/openapi/api-problems.decorator';

type Op = Partial<OperationObject> & { [PUBLIC_EXTENSION]?: boolean };

function doc(paths: Record<string, Record<string, Op>>): OpenAPIObject {
  const full: OpenAPIObject['paths'] = {};
  for (const [path, item] of Object.entries(paths)) {
    full[path] = Object.fromEntries(
      Object.entries(item).map(([m, op]) => [
        m,
        { responses: { '200': { description: '' } }, ...op },
      ]),
    );
  }
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: full,
    components: { schemas: {} },
  };
}

const statuses = (op: OperationObject | undefined) => Object.keys(op?.responses ?? {});
const headers = (op: OperationObject | undefined, status: string) =>
  Object.keys((op?.responses[status] as ResponseObject).headers ?? {});

describe('completeDocument (the rules every operation gets)', () => {
  it('requires a bearer token and declares 401 unless the operation is public', () => {
    const d = completeDocument(
      doc({
        '/api/v1/things': { get: { tags: ['things'] } },
        '/api/v1/auth/login': { post: { tags: ['auth'], [PUBLIC_EXTENSION]: true } },
      }),
    );
    const list = d.paths['/api/v1/things'].get;
    const login = d.paths['/api/v1/auth/login'].post as OperationObject & Record<string, unknown>;
    expect(list?.security).toEqual([{ bearer: [] }]);
    expect(statuses(list)).toContain('401');
    expect(login.security).toEqual([]);
    expect(statuses(login)).not.toContain('401');
    expect(login[PUBLIC_EXTENSION]).toBeUndefined();
  });

  it('adds 429, 503 and the rate-limit headers everywhere but health', () => {
    const d = completeDocument(
      doc({
        '/api/v1/things': { get: { tags: ['things'] } },
        '/api/v1/health': { get: { tags: ['health'], [PUBLIC_EXTENSION]: true } },
      }),
    );
    const list = d.paths['/api/v1/things'].get;
    const health = d.paths['/api/v1/health'].get;
    expect(statuses(list)).toEqual(expect.arrayContaining(['429', '503']));
    expect(headers(list, '200')).toEqual(
      expect.arrayContaining(['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']),
    );
    expect(headers(list, '200')).toContain('X-Cache');
    expect(headers(list, '429')).toContain('Retry-After');
    expect(statuses(health)).toEqual(['200']);
    expect(headers(health, '200')).toEqual(['X-Request-Id']);
    expect(d.tags?.map((t) => t.name)).toEqual(['health', 'things']);
  });

  it('declares body errors for body methods and id errors for path ids', () => {
    const d = completeDocument(
      doc({
        '/api/v1/things/{id}': {
          patch: {
            tags: ['things'],
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'number' } }],
          },
        },
        '/api/v1/things/{id}/archive': { post: { tags: ['things'] } },
      }),
    );
    const patch = d.paths['/api/v1/things/{id}'].patch;
    expect(statuses(patch)).toEqual(expect.arrayContaining(['400', '404', '413', '414', '415']));
    expect((patch?.parameters?.[0] as ParameterObject).schema).toMatchObject({
      type: 'integer',
      minimum: 1,
    });
    expect(statuses(d.paths['/api/v1/things/{id}/archive'].post)).toEqual(
      expect.arrayContaining(['400', '413', '415']),
    );
  });

  it('makes query parameters with a default optional and drops their examples', () => {
    const d = completeDocument(
      doc({
        '/api/v1/things': {
          get: {
            tags: ['things'],
            parameters: [
              {
                name: 'page',
                in: 'query',
                required: true,
                schema: { type: 'integer', default: 1 },
              },
              {
                name: 'min',
                in: 'query',
                required: false,
                schema: { type: 'string', example: '1' },
              },
            ],
          },
        },
      }),
    );
    const [page, min] = d.paths['/api/v1/things'].get?.parameters as ParameterObject[];
    expect(page.required).toBe(false);
    expect(min.schema).toEqual({ type: 'string' });
    expect(statuses(d.paths['/api/v1/things'].get)).toContain('400');
  });
});
