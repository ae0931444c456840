import {
  getMetadataStorage,
  IsInt,
  Min,
  validate,
  ValidationError,
  ValidationTypes,
} from 'class-validator';
import type { ValidationMetadata } from '../fences/class-validator.fence';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { memoiseValidationMetadata } from '../fences/class-validator.fence';
import { flatten, MAX_FIELD_ERRORS } from './validation';

class Base {
  @IsInt() id!: number;
}

describe('memoiseValidationMetadata', () => {
  beforeAll(() => memoiseValidationMetadata());

  it('answers a class’s rules from the memo, unchanged', async () => {
    const storage = getMetadataStorage();
    const first = storage.getTargetValidationMetadatas(Base, '', false, false);
    expect(storage.getTargetValidationMetadatas(Base, '', false, false)).toBe(first);
    expect(first.map((m) => m.propertyName)).toEqual(['id']);
    expect(storage.groupByPropertyName(first)).toBe(storage.groupByPropertyName(first));
    // Other options are their own entry.
    expect(storage.getTargetValidationMetadatas(Base, '', false, true, ['g'])).not.toBe(first);
  });

  it('still sees the rules of a subclass defined after its parent was validated', async () => {
    expect(await validate(Object.assign(new Base(), { id: 'x' }))).toHaveLength(1);
    class Child extends Base {
      @Min(10) size!: number;
    }
    const errors = await validate(Object.assign(new Child(), { id: 'x', size: 1 }));
    expect(errors.map((e) => e.property).sort()).toEqual(['id', 'size']);
    expect(await validate(Object.assign(new Child(), { id: 1, size: 10 }))).toEqual([]);
  });
});

describe('flatten', () => {
  it('stops at 50 entries, nested children included', () => {
    const child = (i: number): ValidationError =>
      Object.assign(new ValidationError(), {
        property: `c${i}`,
        constraints: { a: 'first', b: 'second' },
        children: [],
      });
    const tree = [
      Object.assign(new ValidationError(), {
        property: 'items',
        constraints: {},
        children: Array.from({ length: 100 }, (_, i) => child(i)),
      }),
    ];
    const out = flatten(tree);
    expect(out).toHaveLength(MAX_FIELD_ERRORS);
    expect(out[0]).toEqual({ field: 'items.c0', message: 'first' });
  });
});

describe('every nested-DTO array takes objects only', () => {
  it('pairs each ValidateNested({ each }) with IsObject({ each }) in every DTO', async () => {
    // Load every DTO, so that its decorators have registered their rules.
    const root = join(__dirname, '..');
    const dtoFiles = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) =>
      /[\\/]dto[\\/][^\\/]+\.dto\.ts$/.test(f),
    );
    expect(dtoFiles.length).toBeGreaterThan(5);
    for (const f of dtoFiles) await import(join(root, f));
    const all = (
      getMetadataStorage() as unknown as { validationMetadatas: Map<unknown, ValidationMetadata[]> }
    ).validationMetadatas;
    const rules = [...all.values()].flat();
    const nestedArrays = rules.filter(
      (m) => m.type === ValidationTypes.NESTED_VALIDATION && m.each,
    );
    expect(nestedArrays.length).toBeGreaterThan(0);
    for (const n of nestedArrays) {
      const name = `${(n.target as { name: string }).name}.${n.propertyName}`;
      const objectsOnly = rules.some(
        (m) =>
          m.target === n.target &&
          m.propertyName === n.propertyName &&
          m.each &&
          m.name === 'isObject',
      );
      expect(objectsOnly ? name : `${name} lacks @IsObject({ each: true })`).toBe(name);
    }
  });
});
