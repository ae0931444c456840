import { CacheInvalidation } from '../http-cache/cache-invalidation.service';
import { CacheTags } from '../http-cache/cache-tags';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { conflict, notFound } from '../common/errors/domain-error';
import { cappedCount, Keyset } from '../common/pagination/keyset';
import { Page } from '../common/pagination/page.dto';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { ListCountersService } from '../counters/list-counters.service';
import { TransactionRunner } from '../database/transaction-runner';
import { Product } from '../products/entities/product.entity';
import { CreateStockAdjustmentDto } from './dto/create-stock-adjustment.dto';
import { StockMovementResponseDto } from './dto/stock-movement-response.dto';
import { StockMovement, StockMovementReason } from './entities/stock-movement.entity';

/** The largest stock an integer column holds on both databases. */
const MAX_STOCK = 2_147_483_647;

/**
 * The inventory ledger. Every stock change goes through here (or through the order
 * placement script, stock-ledger.ts) inside the transaction that makes it: the row is
 * changed first (taking its lock), then its stock is read back and recorded as
 * stockAfter, so the chain of movements is exact under any concurrency (on MySQL the
 * lock holds until COMMIT; on SQLite transactions are serialised).
 */
@Injectable()
export class InventoryService {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly cache: CacheInvalidation,
    private readonly keyset: Keyset,
    private readonly counters: ListCountersService,
  ) {}

  /** POST /products/:id/stock-adjustments: 409 when the stock would go below zero. */
  async adjust(
    accountId: number,
    productId: number,
    dto: CreateStockAdjustmentDto,
  ): Promise<StockMovementResponseDto> {
    const movement = await this.runner.run(async (em) => {
      const res = await em
        .createQueryBuilder()
        .update(Product)
        .set({ stock: () => 'stock + :delta' })
        .where(
          'id = :id AND deletedAt IS NULL AND stock + :delta >= 0 AND stock + :delta <= :max',
          {
            id: productId,
            delta: dto.delta,
            max: MAX_STOCK,
          },
        )
        .execute();
      if (res.affected !== 1) {
        const product = await em.findOne(Product, { where: { id: productId } });
        if (!product) throw notFound('Product', productId);
        throw conflict(
          dto.delta < 0
            ? `Stock of product ${productId} is ${product.stock}: removing ${-dto.delta} would go below zero`
            : `Stock of product ${productId} would exceed ${MAX_STOCK}`,
        );
      }
      const [id] = await this.record(em, 'adjustment', accountId, null, [
        { productId, delta: dto.delta, note: dto.note },
      ]);
      return StockMovementResponseDto.from(await em.findOneByOrFail(StockMovement, { id }));
    });
    // Rare and by hand: the in-stock lists are stamped whether or not it crossed zero.
    await this.cache.changed(
      CacheTags.product(productId),
      CacheTags.inStockSet,
      CacheTags.anyStock,
    );
    return movement;
  }

  /**
   * GET /products/:id/stock-movements: newest first, on the (productId, id) index, by
   * page or cursor; the total is capped (a product's ledger only grows).
   */
  async list(
    accountId: number,
    productId: number,
    q: PageQueryDto,
  ): Promise<Page<StockMovementResponseDto>> {
    return this.runner.read(async (em) => {
      if (!(await em.exists(Product, { where: { id: productId } }))) {
        throw notFound('Product', productId);
      }
      const qb = em
        .createQueryBuilder(StockMovement, 'm')
        .where('m.productId = :productId', { productId });
      const { page: _page, cursor: _cursor, ...query } = q;
      const page = await this.keyset.page(qb, q, {
        scope: { list: 'stock-movements', caller: accountId, query: { ...query, productId } },
        direction: 'DESC',
        columns: [{ column: 'm.id', value: (m) => m.id }],
        count: (filtered) => cappedCount(filtered),
      });
      return { data: page.data.map(StockMovementResponseDto.from), meta: page.meta };
    });
  }

  /** The `initial` movement of a product created with stock, in the creating transaction. */
  async recordInitial(em: EntityManager, product: Product, accountId: number): Promise<void> {
    if (product.stock > 0) {
      await this.record(em, 'initial', accountId, null, [
        { productId: product.id, delta: product.stock },
      ]);
    }
  }

  /**
   * Puts a cancelled order's stock back (soft-deleted products included), in ascending
   * productId order like the placement, and records one `cancel` movement per line.
   */
  async restock(
    em: EntityManager,
    orderId: number,
    accountId: number,
    lines: readonly { productId: number; quantity: number }[],
  ): Promise<void> {
    const sorted = [...lines].sort((a, b) => a.productId - b.productId);
    for (const line of sorted) {
      await em
        .createQueryBuilder()
        .update(Product)
        .set({ stock: () => 'stock + :q' })
        .where('id = :id', { id: line.productId, q: line.quantity })
        .execute();
    }
    await this.record(
      em,
      'cancel',
      accountId,
      orderId,
      sorted.map((l) => ({ productId: l.productId, delta: l.quantity })),
    );
  }

  /** Reads each product's stock after this transaction's change (its row is locked) and records it. */
  private async record(
    em: EntityManager,
    reason: StockMovementReason,
    accountId: number,
    orderId: number | null,
    changes: readonly { productId: number; delta: number; note?: string }[],
  ): Promise<number[]> {
    if (changes.length === 0) return [];
    const rows = await em
      .createQueryBuilder(Product, 'p')
      .withDeleted()
      .select(['p.id', 'p.stock', 'p.deletedAt'])
      .where('p.id IN (:...ids)', { ids: changes.map((c) => c.productId) })
      .getMany();
    const stockOf = new Map(rows.map((p) => [p.id, p.stock]));
    await this.countInStock(em, rows, changes);
    const movements = changes.map((c) =>
      em.create(StockMovement, {
        productId: c.productId,
        delta: c.delta,
        stockAfter: stockOf.get(c.productId) ?? 0,
        reason,
        orderId,
        accountId,
        note: c.note ?? null,
      }),
    );
    // One row per statement: each new id is read back (a multi-row insert gives only the first on MySQL).
    const ids: number[] = [];
    for (const m of movements) {
      const res = await em.insert(StockMovement, m);
      ids.push(Number(res.identifiers[0]?.id));
    }
    return ids;
  }

  /**
   * The in-stock counter (counters/list-counters.ts) for every stock change recorded
   * here: a product whose stock crossed 0 (the stock before is the one after minus the
   * delta, both read under the row lock) is one more or one fewer in stock. Deleted
   * products are not counted.
   */
  private async countInStock(
    em: EntityManager,
    rows: readonly Product[],
    changes: readonly { productId: number; delta: number }[],
  ): Promise<void> {
    const delta = new Map<number, number>();
    for (const c of changes) delta.set(c.productId, (delta.get(c.productId) ?? 0) + c.delta);
    const flips = rows
      .filter((p) => p.deletedAt === null)
      .map((p) => {
        const before = p.stock - (delta.get(p.id) ?? 0);
        return { id: p.id, flip: (Number(p.stock > 0) - Number(before > 0)) as 1 | 0 | -1 };
      })
      .filter((f): f is { id: number; flip: 1 | -1 } => f.flip !== 0);
    await this.counters.stockCrossed(em, flips);
  }
}
