/**
 * Values on and around every limit a field has, in the document or on the server, and the
 * server's verdict on them, for test/openapi-strictness.e2e-spec.ts: a schema that is looser or
 * stricter than the server disagrees with it on at least one of them.
 */
import { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage } from 'class-validator';
import fc from 'fast-check';
import { createValidationPipe } from '../../src/common/validation';
import { oracle } from './openapi';

const pipe = createValidationPipe();

const GENERIC: unknown[] = [
  null,
  true,
  false,
  0,
  1,
  -1,
  1.5,
  '',
  ' ',
  'x',
  '1',
  '1.5',
  '-1',
  '1e3',
  {},
  [],
  [{}],
  [[]],
  'é'.repeat(40),
  '😀'.repeat(20),
];

/** Amounts: the money pattern, its digit and decimal limits, numbers and numeric strings. */
const AMOUNTS: unknown[] = [
  '19.99',
  '19.999',
  ' 19.99 ',
  '19.',
  '.99',
  '99999999.99',
  '100000000',
  '0099999999.99',
  '099999999.99',
  '00099999999.99',
  19.99,
  19.999,
  0.1,
  99999999.99,
  100000000,
  1e21,
];

/** Dates: DESIGN's `YYYY-MM-DD` or RFC 3339 date-time, and ISO 8601 forms that are neither. */
export const DATES: string[] = [
  '2024-01-31',
  '2024-02-29',
  '2023-02-29',
  '2000-02-29',
  '1900-02-29',
  '2024-04-31',
  '2024-13-01',
  '2024-00-10',
  '2024-01-01T00:00:00Z',
  '2024-01-01T23:59:59.123+01:00',
  '2024-01-01T00:00:00-23:59',
  '2024-01-01t00:00:00z',
  '2024-01-01T00:00:00',
  '2024-01-01T24:00:00Z',
  '2024-01-01T00:00Z',
  '2024-01-01 00:00:00Z',
  '2024-01-01T00:00:00+0100',
  '2024-W01-1',
  '2024-W01',
  '2024-366',
  '20240101',
  '2024-01',
];

function repeat(unit: string, n: number): string | undefined {
  return n >= 0 && n <= 10_001 ? unit.repeat(n) : undefined;
}

/** Every number a schema states (limits), through oneOf/anyOf/allOf and array items. */
export function schemaNumbers(schema: any): number[] {
  if (!schema || typeof schema !== 'object') return [];
  const own = ['minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems']
    .map((k) => schema[k])
    .filter((v): v is number => typeof v === 'number');
  const nested = [...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.allOf ?? [])];
  return [...own, ...nested.flatMap(schemaNumbers)];
}

/** Every pattern a schema states, and its enum values. */
function schemaPatterns(schema: any): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const nested = [...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.allOf ?? [])];
  return [...(schema.pattern ? [schema.pattern] : []), ...nested.flatMap(schemaPatterns)];
}

function matching(source: string): string[] {
  return fc.sample(fc.stringMatching(new RegExp(source, 'u')), { numRuns: 12, seed: 20 });
}

/**
 * Values to try for one field: generic junk, amounts and dates, values on and next to each
 * limit (`limits`: the document's and the server's numbers), strings that match each pattern
 * (`patterns`: the document's and the server's), and variations of the example.
 */
export function fieldProbes(
  schema: any,
  example: unknown,
  limits: number[],
  patterns: string[],
): unknown[] {
  const out: unknown[] = [...GENERIC, ...AMOUNTS, ...DATES];
  for (const n of new Set([...limits, ...schemaNumbers(schema)])) {
    out.push(n - 1, n, n + 1, n + 0.5);
    for (const len of [n - 1, n, n + 1]) {
      out.push(repeat('a', len), repeat('é', len));
      if (Array.isArray(example) && example.length > 0 && len <= 1000)
        out.push(Array.from({ length: len }, () => example[0]));
    }
  }
  for (const p of new Set([...patterns, ...schemaPatterns(schema)])) out.push(...matching(p));
  for (const v of [...(schema?.enum ?? []), example]) {
    if (typeof v !== 'string') continue;
    out.push(v, `${v}x`, `x${v}`, v.toUpperCase(), ` ${v} `);
  }
  const seen = new Set<string>();
  return out.filter((v) => {
    const key = JSON.stringify(v) ?? 'undefined';
    if (v === undefined || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---- the server's side ------------------------------------------------------------------

/** A field's class-validator rules: their names, numbers (limits) and patterns. */
export function serverRules(cls: Type<unknown>, property: string) {
  const metas = getMetadataStorage()
    .getTargetValidationMetadatas(cls, '', false, false)
    .filter((m) => m.propertyName === property);
  const constraints = metas.flatMap((m) => (m.constraints as unknown[] | undefined) ?? []);
  return {
    names: metas.map((m) => m.name ?? m.type),
    limits: constraints.filter((c): c is number => typeof c === 'number'),
    patterns: constraints.filter((c): c is RegExp => c instanceof RegExp).map((r) => r.source),
  };
}

/** A valid value from the document's examples. */
export function sample(schemaOrRef: any): unknown {
  const s = oracle().resolve(schemaOrRef);
  if (s.example !== undefined) return s.example;
  if (s.type === 'array') return [sample(s.items)];
  const props = Object.entries<any>(s.properties ?? {});
  return Object.fromEntries(props.map(([k, p]) => [k, sample(p)]));
}

/** The app's own validation pipe: does it take this body or query? */
export async function serverAccepts(cls: Type<unknown>, type: 'body' | 'query', value: unknown) {
  try {
    await pipe.transform(structuredClone(value), { type, metatype: cls });
    return true;
  } catch {
    return false;
  }
}

/** A copy of body with the value at path. */
export function at(body: any, path: string[], value: unknown): any {
  const copy = structuredClone(body);
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]] = value;
  return copy;
}

/** The class the server validates a nested array element as (class-transformer's @Type). */
export function transformedElement(
  cls: Type<unknown>,
  property: string,
  element: unknown,
): Type<unknown> | undefined {
  const out = plainToInstance(cls, { [property]: [element] }) as Record<string, unknown[]>;
  const ctor = (out[property]?.[0] as object | undefined)?.constructor;
  return ctor && ctor !== Object ? (ctor as Type<unknown>) : undefined;
}
