import { ArgumentMetadata } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';
import { createValidationPipe } from '../validation';
import { IdPipe, parseId } from './id.pipe';

const LOOSE = [
  '0',
  '01',
  '0x10',
  '0b1',
  '1e3',
  '1.0',
  '1.',
  ' 1',
  '1 ',
  '\t1',
  '+1',
  '-1',
  '1_0',
  '١',
  '１',
  'Infinity',
  '',
  '2147483648',
  '99999999999',
];

describe('parseId', () => {
  it.each(['1', '9', '10', '16', '1000', '2147483647'])('takes %j', (text) => {
    expect(parseId(text)).toBe(Number(text));
  });

  it.each(LOOSE)('refuses %j with a 400 naming the field', (text) => {
    let error: unknown;
    try {
      parseId(text, 'productId');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'invalid',
      errors: [{ field: 'productId', message: 'productId must be a positive integer' }],
    });
  });

  it('takes a number only when it prints as a canonical id', () => {
    expect(parseId(16)).toBe(16);
    for (const n of [0, -1, 1.5, 2 ** 31, 1e21, Number.NaN, Infinity]) {
      expect(() => parseId(n)).toThrow(DomainError);
    }
    for (const v of [undefined, null, ['1'], { id: 1 }]) expect(() => parseId(v)).toThrow();
  });
});

describe('path ids through the app-wide pipe, then IdPipe', () => {
  const pipe = createValidationPipe();
  const param = (data: string): ArgumentMetadata => ({ type: 'param', metatype: Number, data });
  // Nest runs the global pipe first, then the parameter's own: IdPipe sees what it returns.
  const both = async (text: string) =>
    new IdPipe().transform(await pipe.transform(text, param('id')), param('id'));

  it.each(LOOSE)('refuses %j before any number is made of it', async (text) => {
    await expect(pipe.transform(text, param('id'))).rejects.toBeInstanceOf(DomainError);
    await expect(both(text)).rejects.toBeInstanceOf(DomainError);
  });

  it('turns a canonical id into its number', async () => {
    expect(await both('16')).toBe(16);
    expect(await pipe.transform('2147483647', param('productId'))).toBe(2147483647);
  });

  it('leaves other parameters and query values to their own rules', async () => {
    const text: ArgumentMetadata = { type: 'param', metatype: String, data: 'slug' };
    expect(await pipe.transform('0x10', text)).toBe('0x10');
    const query: ArgumentMetadata = { type: 'query', metatype: Number, data: 'n' };
    expect(await pipe.transform('7', query)).toBe(7);
  });
});
