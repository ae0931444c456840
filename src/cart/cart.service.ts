import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser } from '../common/decorators/current-user.decorator';
import { conflict, notFound, unprocessable } from '../common/errors/domain-error';
import { isDuplicateError } from '../common/errors/problem';
import { TransactionRunner } from '../database/transaction-runner';
import { isMysql } from '../database/typeorm-options';
import { lockCustomer } from '../customers/lock-customer';
import { MAX_LINES } from '../orders/dto/create-order.dto';
import { IdempotencyService, IdempotentResult } from '../idempotency/idempotency.service';
import { CacheInvalidation } from '../http-cache/cache-invalidation.service';
import { CacheTags } from '../http-cache/cache-tags';
import { OrderCacheChanges } from '../orders/order-cache-changes';
import { OrderPlacementService, PlacedOrder, placedBody } from '../orders/order-placement.service';
import { ownCustomerId } from '../orders/orders.service';
import { Product } from '../products/entities/product.entity';
import { CartResponseDto } from './dto/cart-response.dto';
import { assertOneShippingChoice } from '../addresses/shipping';
import { checkoutScript } from './checkout.script';
import { CheckoutDto } from './dto/checkout.dto';
import { CartItem } from './entities/cart-item.entity';

@Injectable()
export class CartService {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly placement: OrderPlacementService,
    private readonly idempotency: IdempotencyService,
    private readonly dataSource: DataSource,
    private readonly orderChanges: OrderCacheChanges,
    private readonly cache: CacheInvalidation,
  ) {}

  async get(user: AuthUser): Promise<CartResponseDto> {
    const customerId = ownCustomerId(user);
    return this.runner.read((em) => this.load(em, customerId));
  }

  /**
   * Sets a line's quantity (0 removes it). The product must exist in the catalog. A cart
   * has at most MAX_LINES lines, like an order (checkout would fail): a new product beyond
   * that is 422, a line already in the cart can always change.
   */
  async setItem(user: AuthUser, productId: number, quantity: number): Promise<CartResponseDto> {
    const customerId = ownCustomerId(user);
    const cart = await this.runner.run(async (em) => {
      await lockCustomer(em, customerId);
      const product = await em.findOne(Product, { where: { id: productId } });
      if (!product) throw notFound('Product', productId);
      if (quantity === 0) {
        await em.delete(CartItem, { customerId, productId });
      } else {
        const res = await em.update(CartItem, { customerId, productId }, { quantity });
        if (res.affected === 0) {
          const lines = await em.count(CartItem, { where: { customerId } });
          if (lines >= MAX_LINES) {
            throw unprocessable(
              `A cart holds at most ${MAX_LINES} products; remove one before adding another`,
            );
          }
          try {
            await em.insert(CartItem, { customerId, productId, quantity });
          } catch (err) {
            // A concurrent PUT inserted the line first: the database already refused ours.
            if (isDuplicateError(err)) throw conflict('The cart changed concurrently; retry');
            throw err;
          }
        }
      }
      return this.load(em, customerId);
    });
    await this.cache.changed(CacheTags.cart(customerId));
    return cart;
  }

  async removeItem(user: AuthUser, productId: number): Promise<void> {
    const customerId = ownCustomerId(user);
    const res = await this.runner.run((em) => em.delete(CartItem, { customerId, productId }));
    if (!res.affected) throw notFound(`Product ${productId} in the cart`);
    await this.cache.changed(CacheTags.cart(customerId));
  }

  async clear(user: AuthUser): Promise<void> {
    const customerId = ownCustomerId(user);
    await this.runner.run((em) => em.delete(CartItem, { customerId }));
    await this.cache.changed(CacheTags.cart(customerId));
  }

  /**
   * Places an order from the cart with the same script (and rules) as POST /orders, and
   * empties the cart in the same transaction (checkout.script.ts), through the same
   * idempotency path.
   */
  async checkout(
    user: AuthUser,
    key: string | undefined,
    shipping: CheckoutDto,
  ): Promise<IdempotentResult<PlacedOrder>> {
    const customerId = ownCustomerId(user);
    assertOneShippingChoice(shipping);
    const lockRow = isMysql(this.dataSource.options);
    const result = await this.idempotency.executeScript(
      // The address is part of the request: the same key with another one is a 422.
      { accountId: user.id, key, method: 'POST', path: '/cart/checkout', body: shipping },
      201,
      () =>
        checkoutScript({ customerId, lockCustomer: lockRow }, (lines) =>
          this.placement.script(customerId, lines, user.id, shipping),
        ),
      placedBody,
    );
    if (!result.replayed) await this.cache.changed(CacheTags.cart(customerId));
    return this.orderChanges.placed(result);
  }

  private async load(em: EntityManager, customerId: number): Promise<CartResponseDto> {
    const items = await em.find(CartItem, { where: { customerId }, order: { id: 'ASC' } });
    if (items.length === 0) return CartResponseDto.from([]);
    // withDeleted: a soft-deleted product stays visible in the cart, marked "gone".
    const products = await em
      .createQueryBuilder(Product, 'p')
      .withDeleted()
      .whereInIds(items.map((i) => i.productId))
      .getMany();
    const byId = new Map(products.map((p) => [p.id, p]));
    return CartResponseDto.from(
      items
        .filter((item) => byId.has(item.productId))
        .map((item) => ({ item, product: byId.get(item.productId) as Product })),
    );
  }
}
