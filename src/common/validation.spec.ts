import { getMetadataStorage, IsInt, Min, validate } from 'class-validator';
import { memoiseValidationMetadata } from './validation';

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
