import { formatCents, parseMoney } from './money';

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
});
