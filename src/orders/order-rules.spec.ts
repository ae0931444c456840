import { DomainError } from '../common/errors/domain-error';
import { placeOrder } from './order-placement.service';
import { assertPlaceable, OrderLine } from './order-rules';

const line = (productId: unknown, quantity: unknown) => ({ productId, quantity }) as OrderLine;

describe('assertPlaceable', () => {
  it('lets safe positive integer ids and quantities through', () => {
    expect(() => assertPlaceable(1, [line(1, 1), line(2_147_483_647, 1000)])).not.toThrow();
  });

  it.each([
    ['a NaN product id', 1, [line(NaN, 1)]],
    ['a missing product id (an array as a line)', 1, [[] as unknown as OrderLine]],
    ['a null line', 1, [null as unknown as OrderLine]],
    ['a string product id', 1, [line('1', 1)]],
    ['a fractional quantity', 1, [line(1, 1.5)]],
    ['a zero quantity', 1, [line(1, 0)]],
    ['a quantity over 1000', 1, [line(1, 1001)]],
    ['an unsafe integer id', 1, [line(2 ** 53 + 2, 1)]],
    ['an id over 2^31 - 1', 1, [line(2 ** 31, 1)]],
    ['a NaN customer id', NaN, [line(1, 1)]],
    ['a negative customer id', -1, [line(1, 1)]],
  ])('refuses %s with a 400-coded error', (_name, customerId, lines) => {
    expect(() => assertPlaceable(customerId, lines)).toThrow(DomainError);
    try {
      assertPlaceable(customerId, lines);
    } catch (err) {
      expect((err as DomainError).code).toBe('invalid');
    }
  });

  it('runs in placeOrder before any statement is built (both drivers run that script)', () => {
    const script = placeOrder(1, [line(NaN, 1)], new Date(), 'stamp', 1);
    expect(() => script.next()).toThrow(DomainError);
    const ok = placeOrder(1, [line(1, 1)], new Date(), 'stamp', 1);
    const first = ok.next();
    expect(first.done).toBe(false);
  });
});
