import { OpenAPIObject } from '@nestjs/swagger';

type Responses = Record<string, { description?: string; headers?: Record<string, unknown> }>;

const integer = (description: string) => ({ description, schema: { type: 'integer' } });

const HEADERS = {
  'X-RateLimit-Limit': integer('Requests allowed per window for this client and endpoint'),
  'X-RateLimit-Remaining': integer('Requests left in the current window'),
  'X-RateLimit-Reset': integer('Seconds until the current window ends'),
  'Retry-After': integer('Seconds to wait before the next request is accepted'),
  'X-Cache': {
    description: 'Whether the response came from the response cache',
    schema: { type: 'string', enum: ['HIT', 'MISS'] },
  },
};
const ref = (name: keyof typeof HEADERS) => ({ $ref: `#/components/headers/${name}` });
const LIMIT_HEADERS = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'] as const;
/** Tags whose routes are neither rate-limited nor cached (@SkipThrottle, @NoCache). */
const EXEMPT_TAGS = new Set(['health']);
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * The rate limit and the cache are global (a guard and an interceptor), so their
 * headers and the 429 are declared here for every operation rather than on each one.
 */
export function addRateLimitAndCacheHeaders(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.headers = { ...(document.components.headers ?? {}), ...HEADERS };
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op || (op.tags ?? []).some((t) => EXEMPT_TAGS.has(t))) continue;
      const responses = op.responses as Responses;
      responses['429'] ??= {
        description: 'Rate limited',
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } },
        },
      } as Responses[string];
      for (const [status, response] of Object.entries(responses)) {
        // A 401 comes from the JWT guard, which runs before the rate limit.
        if (status === '401') continue;
        const headers: Record<string, unknown> = { ...(response.headers ?? {}) };
        for (const name of LIMIT_HEADERS) headers[name] = ref(name);
        if (status === '429') headers['Retry-After'] = ref('Retry-After');
        if (method === 'get' && status === '200') headers['X-Cache'] = ref('X-Cache');
        response.headers = headers;
      }
    }
  }
  return document;
}
