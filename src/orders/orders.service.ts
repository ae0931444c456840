import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AuthUser } from '../common/decorators/current-user.decorator';
import { conflict, forbidden, invalid, notFound } from '../common/errors/domain-error';
import { Page, toPage } from '../common/pagination/page.dto';
import { Customer } from '../customers/entities/customer.entity';
import { TransactionRunner } from '../database/transaction-runner';
import { IdempotencyService, IdempotentResult } from '../idempotency/idempotency.service';
import { InventoryService } from '../inventory/inventory.service';
import { CreateOrderDto } from './dto/create-order.dto';
import { OrderQueryDto } from './dto/order-query.dto';
import { OrderResponseDto } from './dto/order-response.dto';
import { OrderItem } from './entities/order-item.entity';
import { Order, OrderStatus } from './entities/order.entity';
import { OrderPlacementService } from './order-placement.service';
import { canTransition, cancellableFrom } from './order-rules';

/** The customer a caller acts for: its own for a customer; none for an administrator. */
export function ownCustomerId(user: AuthUser): number {
  if (user.customerId === null) throw forbidden('This account has no customer');
  return user.customerId;
}

@Injectable()
export class OrdersService {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly placement: OrderPlacementService,
    private readonly idempotency: IdempotencyService,
    private readonly inventory: InventoryService,
  ) {}

  /** POST /orders: 201 with the order, or the stored first response of a repeated key. */
  async create(
    user: AuthUser,
    dto: CreateOrderDto,
    key: string | undefined,
  ): Promise<IdempotentResult> {
    const customerId = this.orderingFor(user, dto.customerId);
    return this.idempotency.executeScript(
      { accountId: user.id, key, method: 'POST', path: '/orders', body: dto },
      201,
      () => this.placement.script(customerId, dto.items, user.id),
    );
  }

  async get(user: AuthUser, id: number): Promise<OrderResponseDto> {
    return this.runner.read(async (em) => {
      const order = await em.findOne(Order, { where: { id }, relations: { customer: true } });
      // Another customer's order is "not found", not "forbidden": its existence is not revealed.
      if (!order || (user.role !== 'admin' && order.customerId !== user.customerId)) {
        throw notFound('Order', id);
      }
      return this.toDto(em, order);
    });
  }

  async list(user: AuthUser, q: OrderQueryDto): Promise<Page<OrderResponseDto>> {
    const from = q.from === undefined ? undefined : new Date(q.from);
    const to = q.to === undefined ? undefined : new Date(q.to);
    if (from && to && from.getTime() > to.getTime()) {
      throw invalid('from must not be after to', [
        { field: 'from', message: 'from must not be after to' },
      ]);
    }
    return this.runner.read(async (em) => {
      const qb = em
        .createQueryBuilder(Order, 'o')
        .innerJoinAndSelect('o.customer', 'c')
        .orderBy('o.orderDate', 'DESC')
        .addOrderBy('o.id', 'DESC')
        .offset((q.page - 1) * q.limit)
        .limit(q.limit);
      if (user.role !== 'admin') qb.andWhere('o.customerId = :own', { own: ownCustomerId(user) });
      if (q.customerId !== undefined) qb.andWhere('o.customerId = :cid', { cid: q.customerId });
      if (q.status !== undefined) qb.andWhere('o.status = :status', { status: q.status });
      // Bound as UTC 'YYYY-MM-DD HH:MM:SS.mmm' text: compares right on SQLite and MySQL alike.
      if (from) qb.andWhere('o.orderDate >= :from', { from: sqlDate(from) });
      if (to) qb.andWhere('o.orderDate <= :to', { to: sqlDate(to) });
      const [orders, total] = await qb.getManyAndCount();
      const items = await this.itemsOf(
        em,
        orders.map((o) => o.id),
      );
      const data = orders.map((o) =>
        OrderResponseDto.from(o, o.customer as Customer, items.get(o.id) ?? []),
      );
      return toPage(data, total, q.page, q.limit);
    });
  }

  /** PATCH /orders/:id/status (admin). Cancelling here restores stock like /cancel. */
  async changeStatus(user: AuthUser, id: number, to: OrderStatus): Promise<OrderResponseDto> {
    return this.runner.run(async (em) => {
      const order = await em.findOne(Order, { where: { id } });
      if (!order) throw notFound('Order', id);
      if (!canTransition(order.status, to)) {
        throw conflict(`Order ${id} cannot move from ${order.status} to ${to}`);
      }
      if (to === 'cancelled') return this.cancelIn(em, order, [order.status], user.id);
      // Conditional on the status we checked: a concurrent change makes this a 409, not a lost update.
      const res = await em
        .createQueryBuilder()
        .update(Order)
        .set({ status: to })
        .where('id = :id AND status = :from', { id, from: order.status })
        .execute();
      if (res.affected !== 1) throw conflict(`Order ${id} was changed concurrently; reload it`);
      return this.reload(em, id);
    });
  }

  /** POST /orders/:id/cancel: the owner while pending; an administrator while pending or paid. */
  async cancel(user: AuthUser, id: number): Promise<OrderResponseDto> {
    return this.runner.run(async (em) => {
      const order = await em.findOne(Order, { where: { id } });
      if (!order || (user.role !== 'admin' && order.customerId !== user.customerId)) {
        throw notFound('Order', id);
      }
      return this.cancelIn(em, order, cancellableFrom(user.role), user.id);
    });
  }

  /**
   * Cancels with a conditional update, so of two concurrent cancels only one sees a
   * changed row and only that one puts the stock back (soft-deleted products included).
   */
  private async cancelIn(
    em: EntityManager,
    order: Order,
    allowed: OrderStatus[],
    accountId: number,
  ): Promise<OrderResponseDto> {
    const res = await em
      .createQueryBuilder()
      .update(Order)
      .set({ status: 'cancelled' })
      .where({ id: order.id, status: In(allowed) })
      .execute();
    if (res.affected !== 1) {
      const current = await em.findOne(Order, { where: { id: order.id } });
      throw conflict(
        `Order ${order.id} cannot be cancelled while ${current?.status ?? order.status}`,
      );
    }
    const items = await em.find(OrderItem, {
      where: { orderId: order.id },
      order: { productId: 'ASC' },
    });
    await this.inventory.restock(em, order.id, accountId, items);
    return this.reload(em, order.id);
  }

  /** A customer orders for itself; an administrator must name the customer. */
  private orderingFor(user: AuthUser, customerId: number | undefined): number {
    if (user.role === 'admin') {
      if (customerId === undefined) {
        const message = 'customerId is required when an administrator places an order';
        throw invalid(message, [{ field: 'customerId', message }]);
      }
      return customerId;
    }
    const own = ownCustomerId(user);
    if (customerId !== undefined && customerId !== own) {
      throw forbidden('A customer can only order for itself');
    }
    return own;
  }

  private async reload(em: EntityManager, id: number): Promise<OrderResponseDto> {
    const order = await em.findOneOrFail(Order, { where: { id }, relations: { customer: true } });
    return this.toDto(em, order);
  }

  private async toDto(em: EntityManager, order: Order): Promise<OrderResponseDto> {
    const items = await this.itemsOf(em, [order.id]);
    return OrderResponseDto.from(order, order.customer as Customer, items.get(order.id) ?? []);
  }

  private async itemsOf(em: EntityManager, orderIds: number[]): Promise<Map<number, OrderItem[]>> {
    const byOrder = new Map<number, OrderItem[]>();
    if (orderIds.length === 0) return byOrder;
    const items = await em.find(OrderItem, {
      where: { orderId: In(orderIds) },
      order: { id: 'ASC' },
    });
    for (const item of items) {
      const list = byOrder.get(item.orderId) ?? [];
      list.push(item);
      byOrder.set(item.orderId, list);
    }
    return byOrder;
  }
}

function sqlDate(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}
