/**
 * The committed swagger.yaml as a test oracle: finds the operation a request hit and checks
 * that the answer is one the document declares (status, media type, body schema, headers).
 */
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
export type Method = (typeof HTTP_METHODS)[number];

export interface DocOperation {
  method: Method;
  /** The document's path template, e.g. `/api/v1/products/{id}`. */
  path: string;
  operationId: string;
  op: any;
  regex: RegExp;
}

/**
 * Response headers the API itself defines: when one is sent, the document must declare it.
 * Standard headers (content-type, cache-control, www-authenticate, ...) are not checked.
 */
const API_HEADER = /^(x-(?!content-type-options$)|retry-after$|idempotency-|idempotent-)/i;

export const SWAGGER_PATH = join(__dirname, '..', '..', 'swagger.yaml');
const SCHEMA_ID = 'swagger.yaml';

let cached: OpenApiOracle | undefined;
/** One oracle per test process (the document is parsed and compiled once). */
export function oracle(): OpenApiOracle {
  cached ??= new OpenApiOracle(load(readFileSync(SWAGGER_PATH, 'utf8')) as any);
  return cached;
}

/** OpenAPI 3.0 `nullable: true` in JSON Schema terms, which Ajv understands. */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    // `example` values are documentation, not schemas: leave them as they are.
    out[k] = k === 'example' || k === 'examples' ? v : toJsonSchema(v);
  }
  if (out.nullable === true) {
    delete out.nullable;
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

function pointer(...parts: string[]): string {
  return parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

export class OpenApiOracle {
  readonly operations: DocOperation[] = [];
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly doc: any) {
    addFormats(this.ajv);
    this.ajv.addSchema(toJsonSchema(doc) as object, SCHEMA_ID);
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const method of HTTP_METHODS) {
        const op = item[method];
        if (!op) continue;
        const source = path
          .split(/\{[^}]+\}/)
          .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]+');
        this.operations.push({
          method,
          path,
          operationId: op.operationId,
          op,
          regex: new RegExp(`^${source}$`),
        });
      }
    }
    // Literal segments win over templated ones (`/products/search` before `/products/{id}`).
    const params = (o: DocOperation) => o.path.split('{').length;
    this.operations.sort((a, b) => params(a) - params(b));
  }

  /** The operation for a method and a concrete path (query string ignored). */
  match(method: string, url: string): DocOperation | undefined {
    const m = method.toLowerCase();
    const path = url.split('?')[0];
    return this.operations.find((o) => o.method === m && o.regex.test(path));
  }

  /** Resolves a local `$ref` (one level is enough for responses, headers and parameters). */
  resolve<T = any>(node: any): T {
    if (!node || typeof node.$ref !== 'string') return node as T;
    const parts = node.$ref.replace(/^#\//, '').split('/');
    return parts.reduce(
      (acc: any, key: string) => acc?.[key.replace(/~1/g, '/').replace(/~0/g, '~')],
      this.doc,
    ) as T;
  }

  /** The schema of a response body, compiled once. */
  private validator(o: DocOperation, status: string, mediaType: string): ValidateFunction {
    const ref = `${SCHEMA_ID}#/${pointer('paths', o.path, o.method, 'responses', status, 'content', mediaType, 'schema')}`;
    let v = this.validators.get(ref);
    if (!v) {
      v = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, v);
    }
    return v;
  }

  /** Validates any value against a component schema (e.g. for a client's typed result). */
  validateSchema(name: string, value: unknown): string[] {
    const ref = `${SCHEMA_ID}#/components/schemas/${name}`;
    let v = this.validators.get(ref);
    if (!v) {
      v = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, v);
    }
    return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  }

  /**
   * Every way in which a received response disagrees with the document; empty when it agrees.
   * `body` is the parsed JSON (or undefined for an empty body).
   */
  check(
    method: string,
    url: string,
    res: { status: number; headers: Headers; body: unknown; text: string },
  ): string[] {
    const o = this.match(method, url);
    if (!o)
      return [`no operation in swagger.yaml for ${method.toUpperCase()} ${url.split('?')[0]}`];
    const problems: string[] = [];
    const responses = o.op.responses ?? {};
    const statusKey = [String(res.status), `${String(res.status)[0]}XX`, 'default'].find(
      (k) => responses[k],
    );
    if (!statusKey) {
      return [
        `${o.operationId}: status ${res.status} is not declared (declared: ${Object.keys(responses).join(', ')})`,
      ];
    }
    const declared = this.resolve(responses[statusKey]);
    const content: Record<string, unknown> = declared.content ?? {};
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0].trim();
    if (res.text.length > 0) {
      if (!content[mediaType]) {
        problems.push(
          `${o.operationId} ${res.status}: content-type "${mediaType}" is not declared (declared: ${Object.keys(content).join(', ') || 'no body'})`,
        );
      } else if (/json$/.test(mediaType)) {
        const validate = this.validator(o, statusKey, mediaType);
        if (!validate(res.body)) {
          for (const e of validate.errors ?? [])
            problems.push(`${o.operationId} ${res.status}: body${e.instancePath} ${e.message}`);
        }
      }
    } else if (Object.keys(content).length > 0) {
      problems.push(`${o.operationId} ${res.status}: empty body, but the document declares one`);
    }
    const headers: Record<string, any> = {};
    for (const [name, h] of Object.entries<any>(declared.headers ?? {}))
      headers[name.toLowerCase()] = this.resolve(h);
    res.headers.forEach((value, name) => {
      if (!API_HEADER.test(name)) return;
      const h = headers[name.toLowerCase()];
      if (!h) {
        problems.push(`${o.operationId} ${res.status}: header ${name} is sent but not declared`);
        return;
      }
      const type = h.schema?.type;
      if (type === 'integer' && !/^\d+$/.test(value))
        problems.push(
          `${o.operationId} ${res.status}: header ${name}="${value}" is not an integer`,
        );
      if (Array.isArray(h.schema?.enum) && !h.schema.enum.includes(value))
        problems.push(
          `${o.operationId} ${res.status}: header ${name}="${value}" is not one of ${h.schema.enum.join(', ')}`,
        );
    });
    for (const [name, h] of Object.entries<any>(headers)) {
      if (h.required && !res.headers.has(name))
        problems.push(`${o.operationId} ${res.status}: required header ${name} is missing`);
    }
    return problems;
  }
}
