import fc from 'fast-check';
import { formatCents, MAX_AMOUNT, MONEY_PATTERN, parseMoney } from './money';

describe('money', () => {
  it.each([
    ['19.99', 1999],
    [19.99, 1999],
    ['0', 0],
    [0.1, 10],
    ['7.5', 750],
    [' 3.00 ', 300],
    ['99999999.99', 9_999_999_999],
  ])('parses %j as %i cents', (input, cents) => {
    expect(parseMoney(input)).toBe(cents);
  });

  it.each([
    ['1.234'],
    [-1],
    ['-1.00'],
    ['abc'],
    [''],
    [null],
    [true],
    [1e21],
    [Number.NaN],
    ['1e3'],
    ['100000000.00'],
  ])('refuses %j', (input) => {
    expect(parseMoney(input)).toBeNull();
  });

  it('formats cents with two decimals', () => {
    expect(formatCents(1999)).toBe('19.99');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(30)).toBe('0.30');
    expect(formatCents(0)).toBe('0.00');
  });

  it('sums exactly where floats do not (3 x 0.10)', () => {
    const cents = (parseMoney('0.10') as number) * 3;
    expect(formatCents(cents)).toBe('0.30');
    expect(0.1 * 3).not.toBe(0.3);
  });

  describe('MONEY_PATTERN (published in the OpenAPI document)', () => {
    const published = new RegExp(MONEY_PATTERN, 'u');
    const agrees = (text: string) => published.test(text) === (parseMoney(text) !== null);

    it.each([
      '0',
      '99999999.99',
      '0099999999.99',
      '100000000',
      '000000001',
      '0000000001',
      '00000000001',
      '1.',
      '.5',
      ' 3.00 ',
      '\u00a03\ufeff',
      '\n1\t',
      '1 .00',
      '-0',
      '+1',
      '1e3',
      '١',
    ])('agrees with parseMoney on %j', (text) => {
      expect(agrees(text)).toBe(true);
    });

    it('agrees with parseMoney on generated amounts', () => {
      const part = fc.string({
        unit: fc.constantFrom('0', '1', '9', '.', ' ', '-', 'e', '\u00a0'),
        maxLength: 14,
      });
      fc.assert(
        fc.property(part, (text) => agrees(text)),
        { numRuns: 5000 },
      );
    });

    it('publishes the largest amount the server takes', () => {
      expect(parseMoney(MAX_AMOUNT)).toBe(9_999_999_999);
      expect(parseMoney(MAX_AMOUNT + 0.01)).toBeNull();
    });
  });
});
