/**
 * swagger.yaml is exactly as strict as the server (DESIGN, "Input rules"): every request body
 * object refuses unknown fields, and for every field of every request body and query the
 * document accepts a value exactly when the server's validation does, tried on and around
 * every limit the document or the DTO's class-validator rules state. Response schemas admit
 * what the server sends: integers as `integer`, NULL columns as `nullable`.
 */
import { Type } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { DataSource } from 'typeorm';
import { dtoRoutes, DtoRoute } from '../src/common/openapi/validation-rules';
import { oracle, toJsonSchema } from './helpers/openapi';
import {
  at,
  fieldProbes,
  sample,
  serverAccepts,
  serverRules,
  transformedElement,
} from './helpers/schema-probes';
import { startApp, TestApp } from './helpers/test-app';

const doc = oracle().doc;
const resolve = (s: any): any => oracle().resolve(s);
// multipleOf 0.01 in floats needs a tolerance (19.99 / 0.01 is 1998.9999999999998).
const ajv = new Ajv({ strict: false, allErrors: false, multipleOfPrecision: 9 });
const coercing = new Ajv({ strict: false, coerceTypes: true });
for (const a of [ajv, coercing]) addFormats(a);
ajv.addSchema(toJsonSchema(doc) as object, 'doc');

/**
 * Where JSON Schema cannot say what the server checks, with the reason. Each one excuses only
 * the document accepting more than the server, on that field.
 */
const INEXPRESSIBLE: {
  field: RegExp;
  /** The document's verdict this excuses; undefined: either. */
  docAccepts?: boolean;
  value?: (v: unknown) => boolean;
  why: string;
}[] = [
  {
    field:
      /^((LoginDto|CreateAccountDto|UpdateAccountDto)\.password|ChangePasswordDto\.(currentPassword|newPassword))$/,
    docAccepts: true,
    why: 'a UTF-8 byte limit (MaxBytes) has no JSON Schema form; maxLength is its tightest bound',
  },
  {
    field: /^(CreateCustomerDto|UpdateCustomerDto)\.email$/,
    docAccepts: true,
    why: "validator.js's isEmail (64-character local part, ...) is stricter than format: email",
  },
];

/** A field no DTO declares: the server refuses it, so must the document. */
const UNKNOWN = 'unknownField';

describe('swagger.yaml is exactly as strict as the server', () => {
  let t: TestApp;
  let routes: DtoRoute[];
  const operations = oracle().operations;

  beforeAll(async () => {
    t = await startApp();
    const controllers = t.app
      .get(DiscoveryService)
      .getControllers()
      .map((w) => w.metatype as Type<unknown>);
    routes = dtoRoutes(controllers);
  });
  afterAll(async () => t.close());

  const bodyOps = operations.filter((o) => o.op.requestBody);
  const queryOps = operations.filter((o) =>
    (o.op.parameters ?? []).some((p: any) => resolve(p).in === 'query'),
  );

  it('finds the DTO of every request body and query in the document', () => {
    const ids = (pick: (r: DtoRoute) => unknown) => routes.filter(pick).map((r) => r.operationId);
    expect(bodyOps.map((o) => o.operationId).sort()).toEqual(ids((r) => r.body).sort());
    expect(queryOps.map((o) => o.operationId).sort()).toEqual(ids((r) => r.query).sort());
  });

  it('says additionalProperties: false on every request body object, nested ones too', () => {
    const open: string[] = [];
    const walk = (node: any, where: string, seen: Set<unknown>): void => {
      const s = resolve(node);
      if (!s || typeof s !== 'object' || seen.has(s)) return;
      seen.add(s);
      if (s.type === 'object' || s.properties) {
        if (s.additionalProperties !== false) open.push(where);
        for (const [k, p] of Object.entries<any>(s.properties ?? {}))
          walk(p, `${where}.${k}`, seen);
      }
      if (s.items) walk(s.items, `${where}[]`, seen);
      for (const sub of [...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])])
        walk(sub, where, seen);
    };
    for (const o of bodyOps)
      walk(o.op.requestBody.content['application/json'].schema, o.operationId, new Set());
    expect(open).toEqual([]);
  });

  it('publishes every number the API answers as an integer (money is a string)', () => {
    const numbers: string[] = [];
    const walk = (node: any, where: string, depth: number): void => {
      const s = resolve(node);
      if (!s || typeof s !== 'object' || depth > 8) return;
      if (s.type === 'number') numbers.push(where);
      for (const [k, p] of Object.entries<any>(s.properties ?? {}))
        walk(p, `${where}.${k}`, depth + 1);
      if (s.items) walk(s.items, `${where}[]`, depth + 1);
      for (const sub of [...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])])
        walk(sub, where, depth + 1);
    };
    for (const o of operations)
      for (const [status, res] of Object.entries<any>(o.op.responses))
        for (const [type, media] of Object.entries<any>(resolve(res).content ?? {}))
          walk(media.schema, `${o.operationId} ${status} ${type}`, 0);
    expect(numbers).toEqual([]);
  });

  it('marks nullable every response field whose column can be NULL', () => {
    const missing: string[] = [];
    const ds = t.app.get<DataSource>(getDataSourceToken());
    for (const entity of ds.entityMetadatas) {
      const schema = doc.components.schemas[`${entity.name}ResponseDto`];
      if (!schema) continue;
      const nullable = [
        ...entity.columns.filter((c) => c.isNullable).map((c) => c.propertyName),
        ...entity.relations
          .filter((r) => r.joinColumns.length > 0 && r.joinColumns.every((c) => c.isNullable))
          .map((r) => r.propertyName),
      ];
      for (const name of nullable) {
        const prop = schema.properties[name];
        if (prop && prop.nullable !== true) missing.push(`${entity.name}ResponseDto.${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  /** Both verdicts for each probe; a field's rules may depend on an enumerated sibling. */
  async function disagreements(
    label: string,
    fields: { path: string[]; schema: any; example: unknown; property: string; owner: any }[],
    verdicts: (value: unknown, path: string[], context: object) => Promise<[boolean, boolean]>,
    contexts: object[],
  ): Promise<string[]> {
    const out: string[] = [];
    for (const f of fields) {
      const owner = f.owner as Type<unknown>;
      const rules = serverRules(owner, f.property);
      const name = `${owner.name}.${f.property}`;
      const judge = async (value: unknown) => {
        let doc = false;
        let server = false;
        for (const c of contexts.filter((x) => !(f.path[0] in x))) {
          const [d, s] = await verdicts(value, f.path, c);
          doc ||= d;
          server ||= s;
        }
        return [doc, server];
      };
      const probes =
        f.property === UNKNOWN
          ? [1]
          : fieldProbes(f.schema, f.example, rules.limits, rules.patterns);
      for (const value of probes) {
        const [docOk, serverOk] = await judge(value);
        if (docOk === serverOk) continue;
        // The server trims some text before it checks it, the document states the canonical
        // form: a value the server takes once trimmed, whose trimmed form the document takes.
        const trimmed = typeof value === 'string' ? value.trim() : value;
        if (serverOk && trimmed !== value && (await judge(trimmed))[0]) continue;
        const excused = INEXPRESSIBLE.some(
          (e) =>
            e.field.test(name) &&
            (e.docAccepts === undefined || e.docAccepts === docOk) &&
            (!e.value || e.value(value)),
        );
        if (!excused)
          out.push(
            `${label} ${f.path.join('.')} = ${JSON.stringify(value).slice(0, 60)}: the server ${serverOk ? 'accepts' : 'refuses'} it, the document ${docOk ? 'accepts' : 'refuses'} it`,
          );
      }
    }
    return out;
  }

  it.each(bodyOps.map((o) => [o.operationId, o] as const))(
    '%s: the body schema accepts exactly what the server accepts',
    async (id, o) => {
      const ref: string = o.op.requestBody.content['application/json'].schema.$ref;
      const cls = routes.find((r) => r.operationId === id)?.body as Type<unknown>;
      expect(ref).toBe(`#/components/schemas/${cls.name}`);
      const schema = resolve({ $ref: ref });
      const base = sample(schema) as Record<string, unknown>;
      const validate = ajv.getSchema(`doc${ref}`) ?? ajv.compile({ $ref: `doc${ref}` });
      const contexts = [
        {},
        ...Object.entries<any>(schema.properties).flatMap(([k, p]) =>
          (p.enum ?? []).filter((v: unknown) => v !== null).map((v: unknown) => ({ [k]: v })),
        ),
      ];
      const verdicts = async (value: unknown, path: string[], context: object) => {
        const body = at({ ...base, ...context }, path, value);
        return [validate(body), await serverAccepts(cls, 'body', body)] as [boolean, boolean];
      };
      // The example is valid for both; every field is then tried around it.
      expect([validate(base), await serverAccepts(cls, 'body', base)]).toEqual([true, true]);
      // An unknown field, at the top and in nested objects, is one of the fields tried.
      const fields: Parameters<typeof disagreements>[1] = [];
      for (const [k, p] of Object.entries<any>(schema.properties)) {
        fields.push({ path: [k], schema: resolve(p), example: base[k], property: k, owner: cls });
        const items = p.items ? resolve(p.items) : undefined;
        if (items?.properties && Array.isArray(base[k])) {
          const element = (base[k] as Record<string, unknown>[])[0];
          const itemClass = transformedElement(cls, k, element) ?? cls;
          for (const [nk, np] of Object.entries<any>(items.properties))
            fields.push({
              path: [k, '0', nk],
              schema: resolve(np),
              example: element[nk],
              property: nk,
              owner: itemClass,
            });
          fields.push({
            path: [k, '0', UNKNOWN],
            schema: {},
            example: 1,
            property: UNKNOWN,
            owner: itemClass,
          });
        }
      }
      fields.push({
        path: [UNKNOWN],
        schema: {},
        example: 1,
        property: UNKNOWN,
        owner: cls,
      });
      expect(await disagreements(id, fields, verdicts, contexts)).toEqual([]);
    },
  );

  it.each(queryOps.map((o) => [o.operationId, o] as const))(
    '%s: the query parameters accept exactly what the server accepts',
    async (id, o) => {
      const cls = routes.find((r) => r.operationId === id)?.query as Type<unknown>;
      const params = (o.op.parameters as any[]).map(resolve).filter((p) => p.in === 'query');
      const validators = new Map(
        params.map((p) => [p.name as string, coercing.compile(toJsonSchema(p.schema) as object)]),
      );
      const fields = params.map((p) => ({
        path: [p.name as string],
        schema: p.schema,
        example: p.schema?.example,
        property: p.name as string,
        owner: cls,
      }));
      const verdicts = async (value: unknown, path: string[]) => {
        // A query value is text: what a client can send for the field.
        if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
          return [false, false] as [boolean, boolean];
        const text = String(value);
        const docOk = validators.get(path[0])?.(text) ?? false;
        return [docOk, await serverAccepts(cls, 'query', { [path[0]]: text })] as [
          boolean,
          boolean,
        ];
      };
      expect(await disagreements(id, fields, verdicts, [{}])).toEqual([]);
    },
  );
});
