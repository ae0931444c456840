import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { bigintToNumber } from '../../database/transformers';
import { Order } from './order.entity';

/** A snapshot of the product at order time: later product edits or deletes never change it. */
@Entity('order_items')
export class OrderItem {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) orderId: number;
  @ManyToOne(() => Order, (order) => order.items, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'orderId' })
  order?: Order;
  /** No foreign key on purpose: the product may change or go; the snapshot stays. */
  @Column({ type: 'integer' }) productId: number;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'bigint', transformer: bigintToNumber }) unitPriceCents: number;
  @Column({ type: 'integer' }) quantity: number;
  @Column({ type: 'bigint', transformer: bigintToNumber }) lineTotalCents: number;
}
