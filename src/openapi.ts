import { INestApplication, Type } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import {
  DocumentBuilder,
  HeaderObject,
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { problemResponse, PUBLIC_EXTENSION } from './common/openapi/api-problems.decorator';
import { ProblemDto } from './common/openapi/api-problems.decorator';
import { dtoRoutes, publishValidationRules } from './common/openapi/validation-rules';

/** Operations with these tags are not rate limited (and so carry no rate-limit headers). */
const RATE_LIMIT_EXEMPT_TAGS = new Set(['health']);

/** Top-level tag descriptions; a tag in use that is missing here still gets a generic one. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  auth: 'Sign in, token refresh and rotation, sign out, the signed-in account',
  customers: 'Customers (administrators only)',
  accounts: 'Sign-in accounts of customers and administrators (administrators only)',
  products: 'The catalog: everyone signed in reads it, administrators write it',
  cart: "The signed-in customer's cart and its checkout",
  orders: 'Orders: customers see their own, administrators all',
  health: 'Liveness and readiness probes (no token, not rate limited)',
};

const DATE_EXAMPLE = '2026-01-31T12:00:00.000Z';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;
const BODY_METHODS = new Set(['put', 'post', 'delete', 'patch']);

/** Response headers, declared once under components.headers and referenced from responses. */
const HEADERS: Record<string, HeaderObject> = {
  'X-Request-Id': {
    description: 'Echo of the request header when it was a valid id, else a generated one',
    schema: { type: 'string' },
  },
  'X-RateLimit-Limit': {
    description: 'Requests allowed per window for this client and endpoint',
    schema: { type: 'integer', minimum: 0 },
  },
  'X-RateLimit-Remaining': {
    description: 'Requests left in the current window',
    schema: { type: 'integer', minimum: 0 },
  },
  'X-RateLimit-Reset': {
    description: 'Seconds until the current window ends',
    schema: { type: 'integer', minimum: 0 },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer', minimum: 0 },
  },
  'Idempotent-Replayed': {
    description:
      'Present (true) when this answer replays the first response for the Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
  'X-Cache': {
    description: 'Whether this GET was answered from the response cache',
    schema: { type: 'string', enum: ['HIT', 'MISS'] },
  },
};
type HeaderName =
  | 'X-Request-Id'
  | 'X-RateLimit-Limit'
  | 'X-RateLimit-Remaining'
  | 'X-RateLimit-Reset'
  | 'Retry-After'
  | 'X-Cache'
  | 'Idempotent-Replayed';
const RATE_LIMIT_HEADERS: HeaderName[] = [
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
];

/** Built once; main.ts serves it and scripts/export-openapi.ts writes swagger.yaml. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Storefront API')
    .setDescription(
      'E-commerce REST API: catalog, carts, orders; administration of customers, accounts and stock. ' +
        'Errors are RFC 9457 application/problem+json. Money is a string with two decimals. ' +
        'Every endpoint but sign-in, refresh and health needs `Authorization: Bearer <accessToken>`. ' +
        'Rate-limited endpoints answer with `X-RateLimit-*` headers, and 429 with `Retry-After`.',
    )
    .setVersion('1.0.0')
    .setLicense('UNLICENSED', 'https://en.wikipedia.org/wiki/Proprietary_software')
    .addServer('/', 'This server')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ProblemDto],
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
  const controllers = app
    .get(DiscoveryService)
    .getControllers()
    .map((wrapper) => wrapper.metatype as Type<unknown>);
  publishValidationRules(document, dtoRoutes(controllers));
  return completeDocument(document);
}

/**
 * The rules every operation follows, applied in one place so that a new endpoint gets them
 * without repeating decorators: bearer security and 401 unless @Public(); 429, rate-limit
 * headers and 503 unless exempt; 400/413/415 for a (possible) body; 400/404/414 for a path id; X-Request-Id
 * everywhere; X-Cache on GETs; described tags; examples on dates.
 */
export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.headers = { ...(document.components.headers ?? {}), ...HEADERS };
  const usedTags = new Set<string>();
  for (const [path, pathItem] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const op = pathItem[method];
      if (op) completeOperation(op, path, method, usedTags);
    }
  }
  document.tags = [...usedTags].sort().map((name) => ({
    name,
    description: TAG_DESCRIPTIONS[name] ?? `Operations on ${name}`,
  }));
  for (const schema of Object.values(document.components.schemas ?? {})) addDateExamples(schema);
  return document;
}

function completeOperation(
  op: OperationObject,
  path: string,
  method: string,
  usedTags: Set<string>,
): void {
  const ext = op as OperationObject & Record<string, unknown>;
  const isPublic = ext[PUBLIC_EXTENSION] === true;
  delete ext[PUBLIC_EXTENSION];
  (op.tags ?? []).forEach((t) => usedTags.add(t));
  const exempt = (op.tags ?? []).some((t) => RATE_LIMIT_EXEMPT_TAGS.has(t));
  const params = (op.parameters ?? []) as ParameterObject[];

  if (isPublic) op.security = [];
  else {
    op.security = [{ bearer: [] }];
    addProblem(op, 401);
  }
  // Any method that carries a body can be sent a malformed, oversized or non-JSON one.
  if (op.requestBody || BODY_METHODS.has(method)) [400, 413, 415].forEach((s) => addProblem(op, s));
  const pathParams = params.filter((p) => p.in === 'path');
  if (pathParams.length > 0) [400, 404, 414].forEach((s) => addProblem(op, s));
  if (params.some((p) => p.in === 'query')) addProblem(op, 400);
  if (!exempt) {
    addProblem(op, 429);
    addProblem(op, 503);
  }
  for (const p of pathParams) normalizeIdParam(p);
  const idempotent = params.some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
  // A key reused with another body is 422; while its first request still runs, 409.
  if (idempotent) [409, 422].forEach((s) => addProblem(op, s));
  for (const p of params.filter((q) => q.in === 'query')) {
    const schema = p.schema as SchemaObject | undefined;
    // A query parameter with a default is optional, whatever the TS property looked like.
    if (schema?.default !== undefined) p.required = false;
    // Swagger UI prefills examples into "Try it out": an example filter would surprise.
    if (schema && !p.required) delete schema.example;
    delete p.example;
  }

  for (const [status, response] of Object.entries(op.responses)) {
    const res = response as ResponseObject;
    if (!res.description) res.description = STATUS_CODES[Number(status)] ?? 'Response';
    const problemExample = res.content?.['application/problem+json']?.example as
      { instance?: string } | undefined;
    if (problemExample) problemExample.instance = path.replace(/\{[^}]+\}/g, '1');
    const names: HeaderName[] = ['X-Request-Id'];
    if (idempotent && status.startsWith('2')) names.push('Idempotent-Replayed');
    if (!exempt) {
      names.push(...RATE_LIMIT_HEADERS);
      if (method === 'get') names.push('X-Cache');
      if (status === '429') names.push('Retry-After');
    }
    res.headers ??= {};
    for (const name of names) res.headers[name] ??= { $ref: `#/components/headers/${name}` };
  }
  op.responses = sortResponses(op.responses);
}

function addProblem(op: OperationObject, status: number): void {
  if (!op.responses[String(status)]) op.responses[String(status)] = problemResponse(status);
}

/** Path ids (`id`, `productId`, ...) are positive 32-bit integers (see IdPipe). */
function normalizeIdParam(p: ParameterObject): void {
  if (p.name === 'id' || /Id$/.test(p.name)) {
    p.schema = { type: 'integer', minimum: 1, maximum: 2147483647, example: 1 };
  }
}

function sortResponses(responses: OperationObject['responses']): OperationObject['responses'] {
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}

function addDateExamples(schema: SchemaObject | ReferenceObject): void {
  if ('$ref' in schema) return;
  for (const prop of Object.values(schema.properties ?? {})) {
    if ('$ref' in prop) continue;
    if (prop.format === 'date-time' && prop.example === undefined) prop.example = DATE_EXAMPLE;
  }
}
