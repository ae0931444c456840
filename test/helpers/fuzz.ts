/**
 * Hostile requests derived from swagger.yaml, for test/fuzz.e2e-spec.ts: junk values, body
 * mutations starting from the document's examples, junk query parameters and path ids.
 */
import fc from 'fast-check';
import { DocOperation, oracle } from './openapi';

/** A well-formed id that no row has: requests about it reach validation and lookups. */
export const MISSING_ID = '2147483647';

// ---- values a careless or hostile client sends ----------------------------------------------

const oddStrings = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\uD800',
  '\u202E\u0041',
  "'; DROP TABLE products; --",
  '%',
  '_',
  '\\',
  '<script>alert(1)</script>',
  '19.999',
  '-0.01',
  '1e3',
  'NaN',
  'Infinity',
  'null',
  'true',
  '0x10',
  '😀'.repeat(80),
  'x'.repeat(10_001),
);
const hugeNumbers = fc.constantFrom(
  1e308,
  -1e308,
  2 ** 53 + 1,
  -(2 ** 31) - 1,
  2 ** 31,
  1e20,
  -1,
  0,
  0.001,
  1.5,
);
const scalarJunk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  hugeNumbers,
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  oddStrings,
);
const junk: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalarJunk },
  { weight: 1, arbitrary: fc.array(scalarJunk, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), scalarJunk, { maxKeys: 3 }) },
);
/** Query values: shorter than body strings, so that a request head stays under Node's 16 KiB. */
const junkText: fc.Arbitrary<string> = fc.oneof(
  oddStrings.map((s) => s.slice(0, 3000)),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  hugeNumbers.map(String),
  fc.constantFrom('[]', '{}', 'a,b', '1,2'),
);
/** Path ids that are not positive integers (plus valid-looking ones nobody has). */
const junkId: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom('0', '-1', '1.5', '1e3', '01', '+1', '0x10', 'abc', 'null', '١', MISSING_ID),
    fc.constantFrom('2147483648', '99999999999999999999', 'x'.repeat(300)),
    fc.string({ minLength: 1, maxLength: 20 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  )
  // Dot segments would be resolved away by the URL parser, i.e. reach another route.
  .filter((s) => !/^(\.|%2e)*$/i.test(s) && !/^\s*$/.test(s));

// ---- requests derived from the document -----------------------------------------------------

/** A plausible value for a schema, from its examples: the starting point of mutations. */
function sample(schemaOrRef: any, depth = 0): unknown {
  const schema = oracle().resolve(schemaOrRef ?? {});
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (depth > 4) return null;
  if (schema.allOf)
    return Object.assign({}, ...schema.allOf.map((s: unknown) => sample(s, depth + 1)));
  if (schema.oneOf || schema.anyOf) return sample((schema.oneOf ?? schema.anyOf)[0], depth + 1);
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'object':
    case undefined:
      return Object.fromEntries(
        Object.entries<any>(schema.properties ?? {}).map(([k, s]) => [k, sample(s, depth + 1)]),
      );
    case 'array':
      return [sample(schema.items, depth + 1)];
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    default:
      return 'text';
  }
}

type Mutation =
  | { kind: 'drop'; index: number }
  | { kind: 'set'; index: number; value: unknown }
  | { kind: 'extra'; name: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), index: fc.nat() }),
  fc.record({ kind: fc.constant('set' as const), index: fc.nat(), value: junk }),
  fc.record({
    kind: fc.constant('extra' as const),
    name: fc.oneof(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.constantFrom('id', 'role', 'isAdmin', '__proto__', 'constructor'),
    ),
    value: junk,
  }),
);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function mutate(base: unknown, mutations: Mutation[]): unknown {
  if (!base || typeof base !== 'object' || Array.isArray(base)) return base;
  const body: Record<string, unknown> = JSON.parse(JSON.stringify(base));
  for (const m of mutations) {
    const keys = Object.keys(body);
    if (m.kind === 'extra') {
      // defineProperty: a plain assignment to "__proto__" would not create a key.
      Object.defineProperty(body, m.name, {
        value: m.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else if (keys.length > 0) {
      const key = keys[m.index % keys.length];
      if (m.kind === 'drop') delete body[key];
      else body[key] = m.value;
    }
  }
  return body;
}

export interface FuzzRequest {
  actor: 'admin' | 'customer';
  path: string;
  query: [string, string][];
  /** A JSON value to send, or a raw body with its content type. */
  body?: { json: unknown } | { raw: string; contentType: string };
  unknownQuery: boolean;
  /** The JSON body has a field its schema does not declare. */
  unknownBody?: boolean;
}

/** The property names a body schema declares (through $ref and allOf). */
function declaredFields(schemaOrRef: unknown): string[] {
  const schema = oracle().resolve(schemaOrRef ?? {});
  return [
    ...Object.keys(schema.properties ?? {}),
    ...(schema.allOf ?? []).flatMap((s: unknown) => declaredFields(s)),
  ];
}

export function requestsFor(o: DocOperation): fc.Arbitrary<FuzzRequest> {
  const params: any[] = (o.op.parameters ?? []).map((p: unknown) => oracle().resolve(p));
  const pathNames = params.filter((p) => p.in === 'path').map((p) => p.name as string);
  const queryNames = params.filter((p) => p.in === 'query').map((p) => p.name as string);
  const bodySchema = o.op.requestBody?.content?.['application/json']?.schema;
  const actor = fc.constantFrom('admin' as const, 'customer' as const);
  const fillPath = (ids: string[]) =>
    pathNames.reduce(
      (p, name, i) => p.replace(`{${name}}`, encodeURIComponent(ids[i] ?? MISSING_ID)),
      o.path.replace(/^\/api\/v1/, ''),
    );
  const plainPath = fillPath([]);
  const sends = ['post', 'put', 'patch', 'delete'].includes(o.method);

  const unknownName = fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 10 }),
      fc.constantFrom('__proto__', 'constructor', 'a[b]'),
    )
    .filter((n) => !queryNames.includes(n));
  const queryEntry = fc.oneof(
    ...(queryNames.length > 0
      ? [
          fc
            .tuple(fc.constantFrom(...queryNames), junkText)
            .map(([k, v]) => ({ k, v, unknown: false })),
        ]
      : []),
    // The query parser drops `__proto__` (prototype-pollution guard): the app never sees it.
    fc.tuple(unknownName, junkText).map(([k, v]) => ({ k, v, unknown: k !== '__proto__' })),
  );
  const byQuery = fc
    .record({ actor, entries: fc.array(queryEntry, { minLength: 1, maxLength: 4 }) })
    .map(({ actor, entries }) => ({
      actor,
      path: plainPath,
      query: entries.map((e) => [e.k, e.v] as [string, string]),
      unknownQuery: entries.some((e) => e.unknown),
      body: bodySchema ? { json: sample(bodySchema) } : undefined,
    }));

  const kinds: fc.Arbitrary<FuzzRequest>[] = [byQuery];
  if (pathNames.length > 0) {
    kinds.push(
      fc
        .record({
          actor,
          ids: fc.array(junkId, { minLength: pathNames.length, maxLength: pathNames.length }),
        })
        .map(({ actor, ids }) => ({
          actor,
          path: fillPath(ids),
          query: [],
          unknownQuery: false,
          body: bodySchema ? { json: sample(bodySchema) } : undefined,
        })),
    );
  }
  if (sends) {
    const base = bodySchema ? sample(bodySchema) : {};
    const bodies = fc.oneof(
      {
        weight: 5,
        arbitrary: fc
          .array(mutation, { minLength: 1, maxLength: 3 })
          .map((ms) => ({ json: mutate(base, ms) })),
      },
      { weight: 1, arbitrary: junk.map((json) => ({ json })) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom('{', '{"a":', '[1,', 'nul', '{"name": "x",}', '\u0000')
          .map((raw) => ({
            raw,
            contentType: 'application/json',
          })),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml')
          .map((contentType) => ({
            raw: contentType === 'application/xml' ? '<a/>' : 'name=x&price=1',
            contentType,
          })),
      },
    );
    kinds.push(
      fc.record({ actor, body: bodies }).map(({ actor, body }) => ({
        actor,
        path: plainPath,
        query: [],
        unknownQuery: false,
        body,
        unknownBody:
          Boolean(bodySchema) &&
          'json' in body &&
          isPlainObject(body.json) &&
          Object.keys(body.json).some((k) => !declaredFields(bodySchema).includes(k)),
      })),
    );
  }
  return fc.oneof(...kinds);
}

// ---- odd path ids and query dates (the input rules in DESIGN.md) ---------------------------
// Kept apart from the generators above: these are fixed lists, every one sent to every
// operation that has a path id or a date query field, each expected to be a 400.

/**
 * Path segments, as sent on the wire (already percent-encoded), that are not canonical ids
 * (`^[1-9][0-9]{0,9}$`, at most 2^31 - 1). Up to the router's 100-character parameter
 * limit; a longer one never reaches a route (414, see fuzz.e2e-spec.ts).
 */
export const ODD_IDS: readonly string[] = [
  '0',
  '00',
  '01',
  '007',
  '0x10',
  '0X10',
  '0b1',
  '0o7',
  '1e3',
  '1E3',
  '1.0',
  '1.',
  '.5',
  '1_000',
  '1,0',
  '+1',
  '-1',
  '-0',
  '%201', // " 1"
  '1%20', // "1 "
  '%091', // tab, then 1
  '1%00',
  '%2B1', // "+1"
  '%D9%A1', // ARABIC-INDIC DIGIT ONE
  '%EF%BC%91', // FULLWIDTH DIGIT ONE
  'Infinity',
  'NaN',
  'null',
  '2147483648',
  '4294967297',
  '9999999999',
  '99999999999',
  '9'.repeat(100),
];

/**
 * Query dates that are not `YYYY-MM-DD` or an RFC 3339 date-time on the real calendar:
 * ISO 8601's other forms, impossible days and times, missing offsets, junk.
 */
export const ODD_DATES: readonly string[] = [
  '2024-W01-1',
  '2024-W01',
  '2024-366',
  '2024-001',
  '20240101',
  '20240101T000000Z',
  '2024-01',
  '2024',
  '+002024-01-01',
  '2024-02-30',
  '2023-02-29',
  '2024-13-01',
  '2024-00-01',
  '2024-01-00',
  '2024-04-31',
  '2024-01-01T00:00',
  '2024-01-01T00:00:00',
  '2024-01-01 00:00:00Z',
  '2024-01-01T24:00:00Z',
  '2024-01-01T23:60:00Z',
  '2024-12-31T23:59:60Z',
  '2024-01-01T00:00:00+0100',
  '2024-01-01T00:00:00+25:00',
  '9999-12-31T23:59:59-01:00',
  ' 2024-01-01',
  '2024-01-01 ',
  '2024-1-1',
  '01/02/2024',
  'yesterday',
  'now',
  '0',
  '1704067200',
  '',
];

/** Has the schema (or one of its alternatives) a date format? */
function isDateSchema(schemaOrRef: unknown): boolean {
  const schema = oracle().resolve(schemaOrRef ?? {});
  if (schema.format === 'date' || schema.format === 'date-time') return true;
  return [...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.allOf ?? [])].some(
    (s: unknown) => isDateSchema(s),
  );
}

/** The names of an operation's path parameters and of its date query fields. */
export function oddInputFields(o: DocOperation): { ids: string[]; dates: string[] } {
  const params: any[] = (o.op.parameters ?? []).map((p: unknown) => oracle().resolve(p));
  return {
    ids: params.filter((p) => p.in === 'path').map((p) => p.name as string),
    dates: params.filter((p) => p.in === 'query' && isDateSchema(p.schema)).map((p) => p.name),
  };
}

export interface OddInputRequest {
  /** The field that carries the odd value (a path parameter or a query field). */
  field: string;
  value: string;
  /** The path, `/api/v1` left out, with its query string. */
  path: string;
  /** A plausible JSON body for operations that take one: only the odd value is wrong. */
  body?: unknown;
}

/**
 * Every odd id in every path parameter (the other parameters a well-formed id) and every
 * odd date in every date query field of one operation.
 */
export function oddInputRequests(o: DocOperation): OddInputRequest[] {
  const { ids, dates } = oddInputFields(o);
  const bodySchema = o.op.requestBody?.content?.['application/json']?.schema;
  const body = bodySchema ? sample(bodySchema) : undefined;
  const fill = (odd: Record<string, string>) =>
    ids.reduce(
      (p, name) => p.replace(`{${name}}`, odd[name] ?? MISSING_ID),
      o.path.replace(/^\/api\/v1/, ''),
    );
  const out: OddInputRequest[] = [];
  for (const field of ids) {
    for (const value of ODD_IDS) out.push({ field, value, path: fill({ [field]: value }), body });
  }
  for (const field of dates) {
    for (const value of ODD_DATES) {
      const query = new URLSearchParams({ [field]: value }).toString();
      out.push({ field, value, path: `${fill({})}?${query}`, body });
    }
  }
  return out;
}

// ---- hostile body shapes (DESIGN.md, input rules) -------------------------------------------

/** The body size limit: the deepest bodies below are just within it. */
const BODY_LIMIT = 1024 * 1024;

export interface HostileBody {
  name: string;
  raw: string;
  contentType: string;
  /** The status every route answers it with, when only one is right (refused before auth). */
  status?: number;
}

/** The JSON body schema of an operation, if it has one. */
export function bodySchemaOf(o: DocOperation): unknown {
  return o.op.requestBody?.content?.['application/json']?.schema;
}

/**
 * Paths (from the body's root) of arrays whose elements must be objects, through $ref and
 * allOf, a few levels down: where `[[]]`, `[1]` or `[null]` must be refused.
 */
function arraysOfObjects(
  schemaOrRef: unknown,
  path: string[] = [],
  depth = 0,
): { path: string[]; items: unknown }[] {
  const schema = oracle().resolve(schemaOrRef ?? {});
  if (depth > 4) return [];
  const props: Record<string, unknown> = Object.assign(
    {},
    schema.properties ?? {},
    ...(schema.allOf ?? []).map((s: unknown) => oracle().resolve(s).properties ?? {}),
  );
  return Object.entries(props).flatMap(([k, s]) => {
    const prop = oracle().resolve(s ?? {});
    if (prop.type !== 'array') return arraysOfObjects(prop, [...path, k], depth + 1);
    const items = oracle().resolve(prop.items ?? {});
    const isObject = items.type === 'object' || items.properties !== undefined || items.allOf;
    return isObject
      ? [{ path: [...path, k], items }, ...arraysOfObjects(items, [...path, k, '0'], depth + 1)]
      : [];
  });
}

function setAt(base: unknown, path: string[], value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(base ?? {}));
  let at = copy;
  for (const key of path.slice(0, -1)) {
    if (at[key] === null || typeof at[key] !== 'object') at[key] = /^\d+$/.test(key) ? [] : {};
    at = at[key];
  }
  at[path[path.length - 1]] = value;
  return copy;
}

/**
 * The shapes a hostile client sends to an operation with a body: more than 1,000 keys
 * (in one object, spread over levels, as array elements, and 1 MB of them), nesting deeper
 * than 32 levels (just over, and near 1 MB deep), arrays in arrays of objects derived from
 * the schema, bodies that are not objects, and other content types.
 */
export function hostileBodies(o: DocOperation): HostileBody[] {
  const schema = bodySchemaOf(o);
  const json = (name: string, raw: string, status?: number): HostileBody => ({
    name,
    raw,
    contentType: 'application/json',
    status,
  });
  const keys = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":1`).join(',')}}`;
  const deep = (levels: number) => '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);
  const base = schema ? sample(schema) : {};
  const out: HostileBody[] = [
    json('1,001 keys', keys(1001), 400),
    json('1,001 keys over two levels', `{"a":${keys(500)},"b":${keys(500)}}`, 400),
    json('1,001 array elements', `{"a":[${Array(1001).fill('1').join(',')}]}`, 400),
    json('1 MB of keys', `{${'"k":1,'.repeat(BODY_LIMIT / 6 - 1)}"k":1}`, 400),
    json('33 levels', deep(33), 400),
    json('1,500 levels', deep(1500), 400),
    json('1 MB of `[`', '['.repeat(BODY_LIMIT - 1), 400),
    json('1 MB of `{"a":`', '{"a":'.repeat(BODY_LIMIT / 5 - 1), 400),
    json('null', 'null'),
    json('an array', '[]'),
    json('an array of the body', JSON.stringify([base])),
    json('a string', '"text"'),
    json('a number', '42'),
    json('true', 'true'),
    {
      name: 'form-encoded',
      raw: 'username=admin&password=admin',
      contentType: 'application/x-www-form-urlencoded',
      status: 415,
    },
    {
      name: 'multipart',
      raw: '--x--',
      contentType: 'multipart/form-data; boundary=x',
      status: 415,
    },
  ];
  for (const { path, items } of schema ? arraysOfObjects(schema) : []) {
    const at = path.join('.');
    for (const [label, value] of [
      ['[[]]', [[]]],
      ['[[element]]', [[sample(items)]]],
      ['[1]', [1]],
      ['["x"]', ['x']],
      ['[null]', [null]],
    ] as const) {
      out.push(json(`${at}: ${label}`, JSON.stringify(setAt(base, path, value))));
    }
  }
  return out;
}
