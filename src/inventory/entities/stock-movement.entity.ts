import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const STOCK_MOVEMENT_REASONS = ['initial', 'order', 'cancel', 'adjustment'] as const;
export type StockMovementReason = (typeof STOCK_MOVEMENT_REASONS)[number];

/**
 * One change of a product's stock, written in the transaction that made it: for every
 * product, stock = the sum of its deltas, and each stockAfter = the previous one + delta.
 */
@Entity('stock_movements')
export class StockMovement {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) productId: number;
  /** Never 0. */
  @Column({ type: 'integer' }) delta: number;
  /** The product's stock right after this movement, read from the locked row. */
  @Column({ type: 'integer' }) stockAfter: number;
  @Column({ type: 'varchar', length: 16 }) reason: StockMovementReason;
  @Column({ type: 'integer', nullable: true }) orderId: number | null;
  /** The account whose request caused it (null for the stock found at migration). */
  @Column({ type: 'integer', nullable: true }) accountId: number | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) note: string | null;
  @CreateDateColumn({ type: 'datetime', precision: 3 }) createdAt: Date;
}
