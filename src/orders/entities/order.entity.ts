import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Customer } from '../../customers/entities/customer.entity';
import { bigintToNumber } from '../../database/transformers';
import { OrderItem } from './order-item.entity';

export const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

@Entity('orders')
export class Order {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) customerId: number;
  @ManyToOne(() => Customer, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'customerId' })
  customer?: Customer;
  @Column({ type: 'varchar', length: 16, default: 'pending' }) status: OrderStatus;
  /** Integer cents: the exact sum of the line totals. */
  @Column({ type: 'bigint', transformer: bigintToNumber }) totalCents: number;
  /** Set by the server when the order is placed. */
  @Column({ type: 'datetime', precision: 3 }) orderDate: Date;
  /** The shipping address when the order was placed (a copy; all null when none was given). */
  @Column({ type: 'varchar', length: 200, nullable: true }) shippingName: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) shippingLine1: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) shippingLine2: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) shippingCity: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) shippingRegion: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) shippingPostalCode: string | null;
  @Column({ type: 'varchar', length: 2, nullable: true }) shippingCountry: string | null;
  @Column({ type: 'varchar', length: 16, nullable: true }) shippingPhone: string | null;
  @OneToMany(() => OrderItem, (item) => item.order) items?: OrderItem[];
  @CreateDateColumn({ type: 'datetime', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ type: 'datetime', precision: 3 }) updatedAt: Date;
}
