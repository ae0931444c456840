import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { CacheInvalidation } from '../http-cache/cache-invalidation.service';
import { CacheTags } from '../http-cache/cache-tags';
import type { IdempotentResult } from '../idempotency/idempotency.service';
import { Product } from '../products/entities/product.entity';
import type { OrderResponseDto } from './dto/order-response.dto';
import type { PlacedOrder } from './order-placement.service';

/**
 * What an order write changed, for the response cache (CacheInvalidation), said after the
 * commit by the services that write orders (OrdersService, CartService's checkout): the
 * order, its customer's order lists and every order list, and the stock of its products.
 * A stock move changes the in-stock lists only when a stock crosses zero. A placement
 * knows exactly which of its products it sold down to 0 (PlacedOrder.emptied, read under
 * the row locks). A status change that puts stock back looks it up after the commit: a
 * product whose stock is now no more than the quantity moved may have crossed up from 0;
 * a concurrent move that makes that read miss a crossing does its own look-up after its
 * own commit.
 */
@Injectable()
export class OrderCacheChanges {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cache: CacheInvalidation,
  ) {}

  /** After a placement (POST /orders, checkout); a replayed answer changed nothing. */
  async placed(result: IdempotentResult<PlacedOrder>): Promise<IdempotentResult<PlacedOrder>> {
    if (result.replayed) return result;
    const { order, emptied } = result.value;
    const tags = [...this.orderTags(order), ...stockMoveTags(order)];
    if (emptied.length > 0) tags.push(CacheTags.inStockSet);
    await this.cache.changed(...tags);
    return result;
  }

  /** After a status change; `stockMoved` when it put the order's stock back. */
  async changed(order: OrderResponseDto, stockMoved: boolean): Promise<OrderResponseDto> {
    const tags = this.orderTags(order);
    if (stockMoved) tags.push(...(await this.stockTags(order)));
    await this.cache.changed(...tags);
    return order;
  }

  private orderTags(order: OrderResponseDto): string[] {
    return [CacheTags.order(order.id), CacheTags.ordersOf(order.customer.id), CacheTags.allOrders];
  }

  private async stockTags(order: OrderResponseDto): Promise<string[]> {
    const moved = new Map(order.items.map((i) => [i.productId, i.quantity]));
    const tags = stockMoveTags(order);
    const rows = await this.dataSource.getRepository(Product).find({
      select: { id: true, stock: true },
      where: { id: In([...moved.keys()]) },
      withDeleted: true,
    });
    if (rows.some((r) => r.stock <= (moved.get(r.id) ?? 0))) tags.push(CacheTags.inStockSet);
    return tags;
  }
}

/** Any stock move: its products, and every answer that shows a stock. */
function stockMoveTags(order: OrderResponseDto): string[] {
  return [...order.items.map((i) => CacheTags.product(i.productId)), CacheTags.anyStock];
}
