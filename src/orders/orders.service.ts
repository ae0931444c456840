import { Injectable } from '@nestjs/common';
import { EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { AuthUser } from '../common/decorators/current-user.decorator';
import { conflict, forbidden, invalid, notFound } from '../common/errors/domain-error';
import { cappedCount, Keyset, ListTotal, sqlDate } from '../common/pagination/keyset';
import { Page } from '../common/pagination/page.dto';
import { ordersWith } from '../counters/list-counters';
import { ListCountersService } from '../counters/list-counters.service';
import { Customer } from '../customers/entities/customer.entity';
import { TransactionRunner } from '../database/transaction-runner';
import { IdempotencyService, IdempotentResult } from '../idempotency/idempotency.service';
import { InventoryService } from '../inventory/inventory.service';
import { CreateOrderDto } from './dto/create-order.dto';
import { OrderQueryDto } from './dto/order-query.dto';
import { OrderResponseDto, shippingOf } from './dto/order-response.dto';
import { OrderItem } from './entities/order-item.entity';
import { Order, ORDER_STATUSES, OrderStatus } from './entities/order.entity';
import { OrderCacheChanges } from './order-cache-changes';
import { OrderPlacementService, PlacedOrder, placedBody } from './order-placement.service';
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
    private readonly keyset: Keyset,
    private readonly counters: ListCountersService,
    private readonly inventory: InventoryService,
    private readonly cacheChanges: OrderCacheChanges,
  ) {}

  /** POST /orders: 201 with the order, or the stored first response of a repeated key. */
  async create(
    user: AuthUser,
    dto: CreateOrderDto,
    key: string | undefined,
  ): Promise<IdempotentResult<PlacedOrder>> {
    const customerId = this.orderingFor(user, dto.customerId);
    const result = await this.idempotency.executeScript(
      { accountId: user.id, key, method: 'POST', path: '/orders', body: dto },
      201,
      () => this.placement.script(customerId, dto.items, user.id, dto),
      placedBody,
    );
    return this.cacheChanges.placed(result);
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
    const own = user.role === 'admin' ? undefined : ownCustomerId(user);
    return this.runner.read(async (em) => {
      // No join: the page's customers are read by id afterwards (a join here let MySQL
      // start from customers and sort every order).
      const qb = em.createQueryBuilder(Order, 'o');
      const customerId = own ?? q.customerId;
      if (own !== undefined) qb.andWhere('o.customerId = :own', { own });
      if (q.customerId !== undefined) qb.andWhere('o.customerId = :cid', { cid: q.customerId });
      if (q.status !== undefined) qb.andWhere('o.status = :status', { status: q.status });
      // Bound as UTC 'YYYY-MM-DD HH:MM:SS.mmm' text: compares right on SQLite and MySQL alike.
      if (from) qb.andWhere('o.orderDate >= :from', { from: sqlDate(from) });
      if (to) qb.andWhere('o.orderDate <= :to', { to: sqlDate(to) });
      const { page: _page, cursor: _cursor, ...query } = q;
      const page = await this.keyset.page(qb, q, {
        scope: { list: 'orders', caller: user.id, query },
        direction: 'DESC',
        columns: [
          { column: 'o.orderDate', value: (o) => sqlDate(o.orderDate) },
          { column: 'o.id', value: (o) => o.id },
        ],
        count: (filtered) => this.count(em, filtered, q, customerId, Boolean(from || to)),
      });
      const ids = page.data.map((o) => o.id);
      const [items, customers] = await Promise.all([
        this.itemsOf(em, ids),
        this.customersOf(em, page.data),
      ]);
      const data = page.data.map((o) =>
        OrderResponseDto.from(
          o,
          customers.get(o.customerId) as Customer,
          items.get(o.id) ?? [],
          shippingOf(o),
        ),
      );
      return { data, meta: page.meta };
    });
  }

  /**
   * A customer's orders: counted on the (customerId, status, orderDate) index, as many
   * entries as that customer has. All orders, or one status: the counters. Dates: capped.
   */
  private async count(
    em: EntityManager,
    qb: SelectQueryBuilder<Order>,
    q: OrderQueryDto,
    customerId: number | undefined,
    dated: boolean,
  ): Promise<ListTotal> {
    if (dated) return cappedCount(qb);
    if (customerId !== undefined) return { total: await qb.getCount(), exact: true };
    const names = q.status ? [ordersWith(q.status)] : ORDER_STATUSES.map(ordersWith);
    const sums = await this.counters.read(names, em);
    return { total: [...sums.values()].reduce((a, b) => a + b, 0), exact: true };
  }

  private async customersOf(em: EntityManager, orders: Order[]): Promise<Map<number, Customer>> {
    const ids = [...new Set(orders.map((o) => o.customerId))];
    if (ids.length === 0) return new Map();
    const rows = await em.find(Customer, { where: { id: In(ids) } });
    return new Map(rows.map((c) => [c.id, c]));
  }

  /** PATCH /orders/:id/status (admin). Cancelling here restores stock like /cancel. */
  async changeStatus(user: AuthUser, id: number, to: OrderStatus): Promise<OrderResponseDto> {
    const changed = await this.runner.run(async (em) => {
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
      await this.counters.orderMoved(em, id, order.status, to);
      return this.reload(em, id);
    });
    return this.cacheChanges.changed(changed, to === 'cancelled');
  }

  /** POST /orders/:id/cancel: the owner while pending; an administrator while pending or paid. */
  async cancel(user: AuthUser, id: number): Promise<OrderResponseDto> {
    const cancelled = await this.runner.run(async (em) => {
      const order = await em.findOne(Order, { where: { id } });
      if (!order || (user.role !== 'admin' && order.customerId !== user.customerId)) {
        throw notFound('Order', id);
      }
      return this.cancelIn(em, order, cancellableFrom(user.role), user.id);
    });
    return this.cacheChanges.changed(cancelled, true);
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
    // Conditional on the status read (not any allowed one): the counters move from it.
    const res = allowed.includes(order.status)
      ? await em
          .createQueryBuilder()
          .update(Order)
          .set({ status: 'cancelled' })
          .where({ id: order.id, status: order.status })
          .execute()
      : { affected: 0 };
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
    // The ledger's restock also moves the in-stock counter for products it refills.
    await this.inventory.restock(em, order.id, accountId, items);
    await this.counters.orderMoved(em, order.id, order.status, 'cancelled');
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
    return OrderResponseDto.from(
      order,
      order.customer as Customer,
      items.get(order.id) ?? [],
      shippingOf(order),
    );
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
