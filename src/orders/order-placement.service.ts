import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { conflict, unprocessable } from '../common/errors/domain-error';
import { Customer } from '../customers/entities/customer.entity';
import { Product } from '../products/entities/product.entity';
import { OrderResponseDto } from './dto/order-response.dto';
import { OrderItem } from './entities/order-item.entity';
import { Order } from './entities/order.entity';
import { lineTotalCents, mergeLines, OrderLine } from './order-rules';

/**
 * Places an order inside a transaction the caller owns (POST /orders and the cart
 * checkout share this code). Any error leaves the caller's transaction to roll back.
 */
@Injectable()
export class OrderPlacementService {
  async place(
    em: EntityManager,
    customerId: number,
    lines: readonly OrderLine[],
  ): Promise<OrderResponseDto> {
    const merged = mergeLines(lines);
    const customer = await em.findOne(Customer, { where: { id: customerId } });
    if (!customer) throw unprocessable(`Customer ${customerId} does not exist`);

    const ids = merged.map((l) => l.productId);
    // Soft-deleted products are excluded by default: they can no longer be ordered.
    const products = await em.find(Product, { where: { id: In(ids) } });
    const byId = new Map(products.map((p) => [p.id, p]));
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length > 0) {
      throw unprocessable(
        `Product${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found`,
        missing.map((id) => ({ field: 'items', message: `product ${id} does not exist` })),
      );
    }

    // Conditional decrement, in ascending productId order: the row lock plus `stock >= :q`
    // means stock never goes below zero, however many orders race for the last units.
    // Plain portable SQL: this runs while the transaction holds its locks, so it is kept lean.
    const runner = em.queryRunner;
    if (!runner) throw new Error('OrderPlacementService.place needs a transaction');
    const now = new Date();
    const updatedAt = em.getRepository(Product).metadata.findColumnWithPropertyName('updatedAt');
    // The driver's own date format (SQLite keeps text, MySQL a DATETIME).
    const stamp: unknown = updatedAt
      ? em.connection.driver.preparePersistentValue(now, updatedAt)
      : now;
    for (const line of merged) {
      const res = (await runner.query(
        'UPDATE products SET stock = stock - ?, updatedAt = ? WHERE id = ? AND stock >= ? AND deletedAt IS NULL',
        [line.quantity, stamp, line.productId, line.quantity],
        true,
      )) as { affected?: number };
      if (res.affected !== 1) {
        const product = byId.get(line.productId) as Product;
        throw conflict(
          `Insufficient stock for product ${product.id} ("${product.name}"): ${line.quantity} requested`,
        );
      }
    }

    const items = merged.map((line) => {
      const product = byId.get(line.productId) as Product;
      return em.create(OrderItem, {
        productId: product.id,
        name: product.name,
        unitPriceCents: product.priceCents,
        quantity: line.quantity,
        lineTotalCents: lineTotalCents(product.priceCents, line.quantity),
      });
    });
    const order = em.create(Order, {
      customerId,
      status: 'pending',
      totalCents: items.reduce((sum, i) => sum + i.lineTotalCents, 0),
      orderDate: now,
      createdAt: now,
      updatedAt: now,
    });
    await em.insert(Order, order);
    for (const item of items) item.orderId = order.id;
    await em.insert(OrderItem, items);
    return OrderResponseDto.from(order, customer, items);
  }
}
