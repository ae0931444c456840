import { testKeyset } from '../common/pagination/page-fakes.testspec';
import { ListCountersService } from '../counters/list-counters.service';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AuthUser } from '../common/decorators/current-user.decorator';
import { DomainError } from '../common/errors/domain-error';
import { TransactionRunner } from '../database/transaction-runner';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { InventoryService } from '../inventory/inventory.service';
import { OrderStatus } from './entities/order.entity';
import { insertIdOf } from '../database/statement-script';
import { runScriptAgainst } from '../database/script-test-driver';
import { OrderCacheChanges } from './order-cache-changes';
import { OrderPlacementService, placeOrder } from './order-placement.service';
import { canTransition, mergeLines, OrderLine, TRANSITIONS } from './order-rules';
import { OrdersService } from './orders.service';

interface FakeProduct {
  id: number;
  name: string;
  priceCents: number;
  stock: number;
}

/** An EntityManager double: products in memory, conditional stock updates honoured. */
function fakeManager(products: FakeProduct[], opts: { orderStatus?: OrderStatus } = {}) {
  const updates: { table: string; params: Record<string, number> }[] = [];
  const inserted: unknown[] = [];
  const totals: unknown[] = [];
  const counterBumps: unknown[] = [];
  const movements: unknown[][] = [];
  const order = { id: 77, customerId: 5, status: opts.orderStatus ?? 'pending', totalCents: 0 };
  const chain = (table: string) => {
    let params: Record<string, number> = {};
    const qb = {
      update: () => qb,
      set: () => qb,
      where: (_w: unknown, p?: Record<string, number>) => {
        params = p ?? {};
        return qb;
      },
      execute: async () => {
        updates.push({ table, params });
        if (table === 'Product' && params.q !== undefined && 'id' in params) {
          const p = products.find((x) => x.id === params.id);
          if (!p || p.stock < params.q) return { affected: 0 };
          p.stock -= params.q;
          return { affected: 1 };
        }
        return { affected: 1 };
      },
    };
    return qb;
  };
  /** Dispatches on the statement's start: customer, products, conditional stock update, inserts. */
  async function placementSql(sql: string, params: unknown[]): Promise<unknown> {
    if (sql.startsWith('SELECT c.id AS customerId')) {
      // Customer 5 exists; one row per product found, or one row of nulls for none.
      if (params[params.length - 1] !== 5) return { records: [] };
      const c = { customerId: 5, customerName: 'Ada', customerEmail: 'ada@example.com' };
      const found = products.filter((p) => params.slice(0, -1).includes(p.id));
      return {
        records: found.length
          ? found.map((p) => ({
              ...c,
              id: p.id,
              name: p.name,
              priceCents: p.priceCents,
              stock: p.stock,
            }))
          : [{ ...c, id: null, name: null, priceCents: null, stock: null }],
      };
    }
    if (sql.startsWith('UPDATE products SET stock = stock - ?')) {
      const [q, , id, min] = params as [number, unknown, number, number];
      expect(min).toBe(q);
      return chain('Product').where(null, { id, q }).execute();
    }
    if (sql.startsWith('INSERT INTO orders')) {
      // As the database does: the order row's foreign key names customer 5 only.
      if (params[0] !== 5) {
        throw new QueryFailedError(
          sql,
          params,
          Object.assign(new Error('fk'), { code: 'ER_NO_REFERENCED_ROW_2' }),
        );
      }
      return { raw: 77, affected: 1 };
    }
    if (sql.startsWith('UPDATE orders SET totalCents = ?')) {
      totals.push(params);
      return { affected: 1 };
    }
    if (sql.startsWith('INSERT INTO order_items')) {
      const rows: Record<string, unknown>[] = [];
      for (let i = 0; i < params.length; i += 6) {
        const [orderId, productId, name, unitPriceCents, quantity, lineTotalCents] = params.slice(
          i,
          i + 6,
        );
        rows.push({ orderId, productId, name, unitPriceCents, quantity, lineTotalCents });
      }
      inserted.push(rows);
      return { raw: 1, affected: rows.length };
    }
    if (sql.startsWith('UPDATE list_counters SET n = n + ?')) {
      counterBumps.push(params);
      return { affected: 1 };
    }
    if (sql.startsWith('UPDATE category_counters SET inStock = inStock + ?')) {
      counterBumps.push(['categories of product', ...params]);
      return { affected: 1 };
    }
    if (sql.startsWith('INSERT INTO stock_movements')) {
      for (let i = 0; i < params.length; i += 6) movements.push(params.slice(i, i + 6));
      return { raw: 1, affected: params.length / 6 };
    }
    throw new Error(`unexpected statement: ${sql}`);
  }
  let lastTable = '';
  const em = {
    findOne: jest.fn(async (entity: { name: string }) => {
      if (entity.name === 'Order')
        return { ...order, customer: { id: 5, name: 'Ada', email: 'a' } };
      return null;
    }),
    findOneOrFail: jest.fn(async () => ({
      ...order,
      customer: { id: 5, name: 'Ada', email: 'a' },
    })),
    find: jest.fn(async (entity: { name: string }): Promise<unknown[]> =>
      entity.name === 'Product' ? products : [],
    ),
    connection: {
      getMetadata: () => ({ findColumnWithPropertyName: () => undefined }),
      driver: { preparePersistentValue: (v: unknown) => v },
    },
    // The placement's own statements, answered from the products above.
    queryRunner: { query: jest.fn(placementSql) },
    createQueryBuilder: jest.fn((): unknown => {
      const qb = {
        update: (entity: { name: string }) => {
          lastTable = entity.name;
          return chain(lastTable);
        },
      };
      return qb;
    }),
  };
  return {
    em: em as unknown as EntityManager,
    updates,
    inserted,
    totals,
    counterBumps,
    movements,
    raw: em,
  };
}

const customer: AuthUser = { id: 1, role: 'customer', customerId: 5, sessionId: 's' };
const admin: AuthUser = { id: 2, role: 'admin', customerId: null, sessionId: 's' };

describe('OrderPlacementService', () => {
  const placement = {
    place: (em: EntityManager, customerId: number, lines: OrderLine[]) =>
      runScriptAgainst(
        placeOrder(customerId, mergeLines(lines), new Date(), 'stamp', 9),
        async ({ sql, params }) => {
          const res = (await em.queryRunner?.query(sql, params, true)) as {
            records?: Record<string, unknown>[];
            raw?: unknown;
            affected?: number;
          };
          return {
            rows: res.records ?? [],
            affected: res.affected ?? 0,
            insertId: insertIdOf(res.raw),
          };
        },
      ),
  };

  it('sums exactly in integer cents (3 x 0.10 = 0.30)', async () => {
    const { em, totals } = fakeManager([{ id: 1, name: 'Dime', priceCents: 10, stock: 5 }]);
    const { order } = await placement.place(em, 5, [{ productId: 1, quantity: 3 }]);
    expect(order.items[0]).toMatchObject({ unitPrice: '0.10', lineTotal: '0.30' });
    expect(order.total).toBe('0.30');
    // The order row's total, stored with the lines, is the one answered.
    expect(totals).toEqual([[30, 77]]);
  });

  it('counts the pending order and the product it emptied in the list counters', async () => {
    const { em, counterBumps } = fakeManager([
      { id: 1, name: 'Last', priceCents: 10, stock: 2 },
      { id: 2, name: 'Plenty', priceCents: 10, stock: 9 },
    ]);
    const { emptied } = await placement.place(em, 5, [
      { productId: 1, quantity: 2 },
      { productId: 2, quantity: 1 },
    ]);
    // Only product 1 crossed zero: the cache is told the in-stock lists changed for it.
    expect(emptied).toEqual([1]);
    // Order 77 in shard 77 % 64; product 1 (now 0 in stock) in shard 1 % 16.
    expect(counterBumps).toEqual([
      [1, 'orders:pending', 13],
      [-1, 'products:inStock', 1],
      ['categories of product', -1, 1],
    ]);
  });

  it('snapshots name and price and merges duplicate lines', async () => {
    const { em, inserted } = fakeManager([
      { id: 2, name: 'Tea', priceCents: 415, stock: 10 },
      { id: 1, name: 'Dime', priceCents: 10, stock: 10 },
    ]);
    const { order, emptied } = await placement.place(em, 5, [
      { productId: 2, quantity: 1 },
      { productId: 1, quantity: 1 },
      { productId: 2, quantity: 1 },
    ]);
    expect(order.items.map((i) => [i.productId, i.quantity, i.lineTotal])).toEqual([
      [1, 1, '0.10'],
      [2, 2, '8.30'],
    ]);
    expect(order.total).toBe('8.40');
    expect(emptied).toEqual([]);
    expect(inserted[0]).toEqual([
      expect.objectContaining({ productId: 1, name: 'Dime', unitPriceCents: 10, orderId: 77 }),
      expect.objectContaining({ productId: 2, name: 'Tea', unitPriceCents: 415, orderId: 77 }),
    ]);
  });

  it('records one negative movement per line with the stock read after the decrement', async () => {
    const { em, movements } = fakeManager([
      { id: 2, name: 'Tea', priceCents: 415, stock: 10 },
      { id: 1, name: 'Dime', priceCents: 10, stock: 4 },
    ]);
    await placement.place(em, 5, [
      { productId: 2, quantity: 3 },
      { productId: 1, quantity: 1 },
      { productId: 2, quantity: 1 },
    ]);
    // [productId, delta, stockAfter, orderId, accountId, createdAt]
    expect(movements).toEqual([
      [1, -1, 3, 77, 9, 'stamp'],
      [2, -4, 6, 77, 9, 'stamp'],
    ]);
  });

  it('throws a conflict naming the product short of stock', async () => {
    const { em, inserted } = fakeManager([
      { id: 1, name: 'Plenty', priceCents: 100, stock: 10 },
      { id: 2, name: 'Scarce', priceCents: 100, stock: 1 },
    ]);
    const err = await placement
      .place(em, 5, [
        { productId: 1, quantity: 1 },
        { productId: 2, quantity: 2 },
      ])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'conflict' });
    expect((err as Error).message).toContain('Scarce');
    expect(inserted).toEqual([]);
  });

  it('takes stock in ascending productId order', async () => {
    const { em, updates } = fakeManager([
      { id: 3, name: 'C', priceCents: 1, stock: 5 },
      { id: 1, name: 'A', priceCents: 1, stock: 5 },
    ]);
    await placement.place(em, 5, [
      { productId: 3, quantity: 1 },
      { productId: 1, quantity: 1 },
    ]);
    expect(updates.filter((u) => u.table === 'Product').map((u) => u.params.id)).toEqual([1, 3]);
  });

  it('refuses a missing customer with 422 (the order row fails its foreign key)', async () => {
    const { em, inserted } = fakeManager([{ id: 1, name: 'A', priceCents: 1, stock: 5 }]);
    await expect(placement.place(em, 6, [{ productId: 1, quantity: 1 }])).rejects.toMatchObject({
      code: 'unprocessable',
      message: expect.stringContaining('Customer 6'),
    });
    expect(inserted).toEqual([]);
  });

  it('refuses unknown products with 422 naming them', async () => {
    const { em } = fakeManager([{ id: 1, name: 'A', priceCents: 1, stock: 5 }]);
    await expect(placement.place(em, 5, [{ productId: 9, quantity: 1 }])).rejects.toMatchObject({
      code: 'unprocessable',
      message: expect.stringContaining('9'),
    });
  });
});

describe('order rules', () => {
  it('merges lines and refuses a merged quantity above 1000', () => {
    expect(
      mergeLines([
        { productId: 2, quantity: 1 },
        { productId: 1, quantity: 4 },
        { productId: 2, quantity: 5 },
      ]),
    ).toEqual([
      { productId: 1, quantity: 4 },
      { productId: 2, quantity: 6 },
    ]);
    expect(() =>
      mergeLines([
        { productId: 1, quantity: 600 },
        { productId: 1, quantity: 401 },
      ]),
    ).toThrow(DomainError);
  });

  const all: OrderStatus[] = ['pending', 'paid', 'shipped', 'delivered', 'cancelled'];
  const allowed = new Set([
    'pending>paid',
    'pending>cancelled',
    'paid>shipped',
    'paid>cancelled',
    'shipped>delivered',
  ]);
  it.each(all.flatMap((from) => all.map((to) => [from, to] as const)))(
    'transition %s -> %s follows the table',
    (from, to) => {
      expect(canTransition(from, to)).toBe(allowed.has(`${from}>${to}`));
    },
  );

  it('has no way out of delivered or cancelled', () => {
    expect(TRANSITIONS.delivered).toEqual([]);
    expect(TRANSITIONS.cancelled).toEqual([]);
  });
});

describe('OrdersService', () => {
  const inventory = { restock: jest.fn() } as unknown as InventoryService & {
    restock: jest.Mock;
  };
  const runnerFor = (em: EntityManager) =>
    ({
      run: (work: (m: EntityManager) => Promise<unknown>) => work(em),
      read: (work: (m: EntityManager) => Promise<unknown>) => work(em),
    }) as unknown as TransactionRunner;
  const build = (em: EntityManager) => {
    const idempotency = { executeScript: jest.fn() } as unknown as IdempotencyService;
    const placement = new OrderPlacementService({} as DataSource);
    // What the cache is told is asserted end to end (cache-freshness.e2e-spec.ts).
    const cacheChanges = {
      changed: jest.fn(async (o: unknown) => o),
      placed: jest.fn(async (r: unknown) => r),
    } as unknown as OrderCacheChanges;
    const counters = {
      orderMoved: jest.fn(),
    } as unknown as ListCountersService;
    return new OrdersService(
      runnerFor(em),
      placement,
      idempotency,
      testKeyset(),
      counters,
      inventory,
      cacheChanges,
    );
  };

  it('refuses a customer ordering for someone else (403) and an admin without customerId (400)', async () => {
    const { em } = fakeManager([]);
    const svc = build(em);
    await expect(
      svc.create(customer, { items: [{ productId: 1, quantity: 1 }], customerId: 6 }, undefined),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      svc.create(admin, { items: [{ productId: 1, quantity: 1 }] }, undefined),
    ).rejects.toMatchObject({ code: 'invalid' });
  });

  it.each([
    ['pending', 'shipped'],
    ['paid', 'paid'],
    ['delivered', 'cancelled'],
    ['cancelled', 'pending'],
  ] as [OrderStatus, OrderStatus][])('refuses %s -> %s with a conflict', async (from, to) => {
    const { em } = fakeManager([], { orderStatus: from });
    await expect(build(em).changeStatus(admin, 77, to)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('cancels with a conditional update and puts the stock back', async () => {
    const { em, raw, updates } = fakeManager([], { orderStatus: 'pending' });
    raw.find.mockImplementation(async (entity: { name: string }) =>
      entity.name === 'OrderItem' ? [{ orderId: 77, productId: 4, quantity: 3 }] : [],
    );
    inventory.restock.mockClear();
    await build(em).cancel(customer, 77);
    expect(updates.map((u) => u.table)).toEqual(['Order']);
    // The ledger puts the stock back, in the same transaction, named after the caller.
    expect(inventory.restock).toHaveBeenCalledWith(em, 77, customer.id, [
      { orderId: 77, productId: 4, quantity: 3 },
    ]);
  });

  it('refuses a customer cancelling a paid order, and hides another customer order', async () => {
    const { em, raw } = fakeManager([], { orderStatus: 'paid' });
    raw.createQueryBuilder.mockImplementation(() => ({
      update: () => ({
        set: () => ({ where: () => ({ execute: async () => ({ affected: 0 }) }) }),
      }),
    }));
    await expect(build(em).cancel(customer, 77)).rejects.toMatchObject({ code: 'conflict' });
    await expect(build(em).cancel({ ...customer, customerId: 6 }, 77)).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
