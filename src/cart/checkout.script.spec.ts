import { DomainError } from '../common/errors/domain-error';
import { runScriptAgainst } from '../database/script-test-driver';
import { statement, Statement, step, StatementScript } from '../database/statement-script';
import { OrderResponseDto } from '../orders/dto/order-response.dto';
import { OrderLine } from '../orders/order-rules';
import { checkoutScript } from './checkout.script';

/** A cart of `rows` whose DELETE removes `deleted` lines; records every statement. */
function cartDouble(rows: Record<string, unknown>[], deleted = rows.length) {
  const sent: string[] = [];
  const execute = ({ sql }: Statement) => {
    sent.push(sql.split(' ').slice(0, 3).join(' '));
    if (sql.startsWith('SELECT productId')) return { rows, affected: 0, insertId: undefined };
    if (sql.startsWith('DELETE')) return { rows: [], affected: deleted, insertId: undefined };
    return { rows: [], affected: 1, insertId: 9 };
  };
  return { sent, execute };
}

const placed = { id: 9 } as OrderResponseDto;
function* place(lines: OrderLine[]): StatementScript<OrderResponseDto> {
  yield* step({ order: statement(`INSERT INTO orders ${JSON.stringify(lines)}`, []) });
  return placed;
}

describe('checkoutScript', () => {
  it('reads and empties the cart in one step, then places the order from the lines read', async () => {
    const { sent, execute } = cartDouble([
      { productId: 2, quantity: '3' },
      { productId: 5, quantity: 1 },
    ]);
    const lines: OrderLine[][] = [];
    const order = await runScriptAgainst(
      checkoutScript({ customerId: 4, lockCustomer: true }, (l) => {
        lines.push(l);
        return place(l);
      }),
      execute,
    );
    expect(order).toBe(placed);
    expect(lines).toEqual([
      [
        { productId: 2, quantity: 3 },
        { productId: 5, quantity: 1 },
      ],
    ]);
    expect(sent).toEqual([
      'SELECT id FROM',
      'SELECT productId, quantity',
      'DELETE FROM cart_items',
      'INSERT INTO orders',
    ]);
  });

  it('takes no lock where transactions run one at a time (SQLite)', async () => {
    const { sent, execute } = cartDouble([{ productId: 2, quantity: 1 }]);
    await runScriptAgainst(checkoutScript({ customerId: 4, lockCustomer: false }, place), execute);
    expect(sent[0]).toBe('SELECT productId, quantity');
  });

  it('refuses an empty cart (422) and a cart that changed meanwhile (409) before placing', async () => {
    const never = jest.fn(place);
    const empty = cartDouble([]);
    await expect(
      runScriptAgainst(
        checkoutScript({ customerId: 4, lockCustomer: false }, never),
        empty.execute,
      ),
    ).rejects.toMatchObject({ code: 'unprocessable' });
    const changed = cartDouble([{ productId: 2, quantity: 1 }], 0);
    const err: unknown = await runScriptAgainst(
      checkoutScript({ customerId: 4, lockCustomer: false }, never),
      changed.execute,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'conflict' });
    expect(never).not.toHaveBeenCalled();
  });
});
