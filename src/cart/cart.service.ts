import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuthUser } from '../common/decorators/current-user.decorator';
import { conflict, notFound, unprocessable } from '../common/errors/domain-error';
import { isDuplicateError } from '../common/errors/problem';
import { TransactionRunner } from '../database/transaction-runner';
import { isMysql } from '../database/typeorm-options';
import { Customer } from '../customers/entities/customer.entity';
import { MAX_LINES } from '../orders/dto/create-order.dto';
import { IdempotencyService, IdempotentResult } from '../idempotency/idempotency.service';
import { runScriptIn } from '../database/statement-script';
import { OrderPlacementService } from '../orders/order-placement.service';
import { ownCustomerId } from '../orders/orders.service';
import { Product } from '../products/entities/product.entity';
import { CartResponseDto } from './dto/cart-response.dto';
import { CartItem } from './entities/cart-item.entity';

@Injectable()
export class CartService {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly placement: OrderPlacementService,
    private readonly idempotency: IdempotencyService,
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
    return this.runner.run(async (em) => {
      await lockCart(em, customerId);
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
  }

  async removeItem(user: AuthUser, productId: number): Promise<void> {
    const customerId = ownCustomerId(user);
    const res = await this.runner.run((em) => em.delete(CartItem, { customerId, productId }));
    if (!res.affected) throw notFound(`Product ${productId} in the cart`);
  }

  async clear(user: AuthUser): Promise<void> {
    const customerId = ownCustomerId(user);
    await this.runner.run((em) => em.delete(CartItem, { customerId }));
  }

  /**
   * Places an order from the cart with the same code (and rules) as POST /orders, and
   * empties the cart in the same transaction.
   */
  async checkout(user: AuthUser, key: string | undefined): Promise<IdempotentResult> {
    const customerId = ownCustomerId(user);
    return this.idempotency.execute(
      { accountId: user.id, key, method: 'POST', path: '/cart/checkout', body: {} },
      201,
      async (em) => {
        const items = await em.find(CartItem, {
          where: { customerId },
          order: { productId: 'ASC' },
        });
        if (items.length === 0) throw unprocessable('The cart is empty');
        const order = await runScriptIn(em, this.placement.script(customerId, items, user.id));
        // Deleting exactly the lines we read: a concurrent checkout of the same cart finds
        // them gone (MySQL reads current rows in DELETE) and rolls back instead of ordering twice.
        const res = await em.delete(CartItem, { customerId });
        if (res.affected !== items.length) {
          throw conflict('The cart changed during checkout; review it and try again');
        }
        return order;
      },
    );
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

/**
 * Makes this customer's cart writes take turns, so the line count a PUT reads is still
 * true when it inserts (two concurrent PUTs of a 50th and a 51st product must not both
 * see 49). On MySQL, a lock on the customer's row, taken before any plain read: the
 * snapshot (REPEATABLE READ takes it at the first plain read) then holds every cart write
 * committed before the lock was granted. SQLite runs one transaction at a time anyway.
 */
async function lockCart(em: EntityManager, customerId: number): Promise<void> {
  if (!isMysql(em.connection.options)) return;
  await em
    .createQueryBuilder(Customer, 'c')
    .select('c.id')
    .where('c.id = :customerId', { customerId })
    .setLock('pessimistic_write')
    .getRawOne();
}
