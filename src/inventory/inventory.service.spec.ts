import { CacheInvalidation } from '../http-cache/cache-invalidation.service';
import { EntityManager } from 'typeorm';
import { Keyset } from '../common/pagination/keyset';
import { ListCountersService } from '../counters/list-counters.service';
import { TransactionRunner } from '../database/transaction-runner';
import { InventoryService } from './inventory.service';
import { orderMovementsStatement } from './stock-ledger';

describe('orderMovementsStatement', () => {
  it('writes one negative movement per line with its stockAfter, deferred', () => {
    const s = orderMovementsStatement(
      9,
      3,
      [
        { productId: 1, quantity: 2, stockAfter: 5 },
        { productId: 4, quantity: 1, stockAfter: 0 },
      ],
      'stamp',
    );
    expect(s.deferred).toBe(true);
    expect(s.sql.match(/\(\?, \?, \?, 'order', \?, \?, NULL, \?\)/g)).toHaveLength(2);
    expect(s.params).toEqual([1, -2, 5, 9, 3, 'stamp', 4, -1, 0, 9, 3, 'stamp']);
  });
});

describe('InventoryService', () => {
  /** A manager where the conditional update changes `affected` rows. */
  const managerWith = (
    affected: number,
    product: { stock: number } | null,
    after: { stock: number; deletedAt: Date | null } = { stock: 4, deletedAt: null },
  ) => {
    const insert = jest.fn(async () => ({ identifiers: [{ id: 11 }] }));
    const em = {
      createQueryBuilder: jest.fn(() => {
        const qb = {
          update: () => qb,
          set: () => qb,
          where: () => qb,
          execute: async () => ({ affected }),
          withDeleted: () => qb,
          select: () => qb,
          getMany: async () => [{ id: 1, ...after }],
        };
        return qb;
      }),
      findOne: jest.fn(async () => product),
      insert,
      create: jest.fn((_e: unknown, x: unknown) => x),
      findOneByOrFail: jest.fn(async () => ({
        id: 11,
        productId: 1,
        delta: -1,
        stockAfter: 4,
        reason: 'adjustment',
        orderId: null,
        accountId: 2,
        note: 'n',
        createdAt: new Date(0),
      })),
    };
    const runner = {
      run: (work: (m: EntityManager) => Promise<unknown>) => work(em as unknown as EntityManager),
    } as unknown as TransactionRunner;
    const counters = { stockCrossed: jest.fn() };
    const service = new InventoryService(
      runner,
      { changed: jest.fn() } as unknown as CacheInvalidation,
      {} as Keyset,
      counters as unknown as ListCountersService,
    );
    return { em, insert, counters, service };
  };

  it('records an adjustment with the stock read after the change', async () => {
    const { insert, service } = managerWith(1, { stock: 4 });
    const res = await service.adjust(2, 1, { delta: -1, note: 'n' });
    expect(insert).toHaveBeenCalledWith(expect.anything(), {
      productId: 1,
      delta: -1,
      stockAfter: 4,
      reason: 'adjustment',
      orderId: null,
      accountId: 2,
      note: 'n',
    });
    expect(res).toMatchObject({ id: 11, stockAfter: 4, reason: 'adjustment' });
  });

  it('answers 409 below zero and 404 for a missing product, recording nothing', async () => {
    const short = managerWith(0, { stock: 1 });
    await expect(short.service.adjust(2, 1, { delta: -5, note: 'n' })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(short.insert).not.toHaveBeenCalled();
    const missing = managerWith(0, null);
    await expect(missing.service.adjust(2, 1, { delta: 1, note: 'n' })).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(missing.insert).not.toHaveBeenCalled();
  });

  it('restocks a cancelled order: one cancel movement per line, naming the account', async () => {
    const { em, insert, service } = managerWith(1, null);
    await service.restock(em as unknown as EntityManager, 9, 3, [{ productId: 1, quantity: 2 }]);
    expect(insert).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({
        productId: 1,
        delta: 2,
        reason: 'cancel',
        orderId: 9,
        accountId: 3,
      }),
    );
  });

  it('moves the in-stock counter only when the stock crosses 0, never for a deleted product', async () => {
    const inStock = (flip: number) => (flip === 0 ? [] : [{ id: 1, flip }]);
    const emptied = managerWith(1, null, { stock: 0, deletedAt: null });
    await emptied.service.adjust(2, 1, { delta: -3, note: 'n' });
    expect(emptied.counters.stockCrossed).toHaveBeenCalledWith(emptied.em, inStock(-1));
    const refilled = managerWith(1, null, { stock: 3, deletedAt: null });
    await refilled.service.adjust(2, 1, { delta: 3, note: 'n' });
    expect(refilled.counters.stockCrossed).toHaveBeenCalledWith(refilled.em, inStock(1));
    const topped = managerWith(1, null, { stock: 7, deletedAt: null });
    await topped.service.adjust(2, 1, { delta: 3, note: 'n' });
    expect(topped.counters.stockCrossed).toHaveBeenCalledWith(topped.em, inStock(0));
    const deleted = managerWith(1, null, { stock: 2, deletedAt: new Date(0) });
    await deleted.service.restock(deleted.em as unknown as EntityManager, 9, 3, [
      { productId: 1, quantity: 2 },
    ]);
    expect(deleted.counters.stockCrossed).toHaveBeenCalledWith(deleted.em, []);
  });
});
