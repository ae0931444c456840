import {
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { bigintToNumber } from '../../database/transformers';
import { EXACT_COLLATION } from '../../database/exact-text';

@Entity('products')
export class Product {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  /** Compared exactly: `BEAN-1KG` and `bean-1kg` are two SKUs. */
  @Column({
    type: 'varchar',
    length: 64,
    nullable: true,
    unique: true,
    collation: EXACT_COLLATION,
  })
  sku: string | null;
  /** Integer cents: exact. */
  @Column({ type: 'bigint', transformer: bigintToNumber }) priceCents: number;
  @Column({ type: 'integer', default: 0 }) stock: number;
  @CreateDateColumn({ type: 'datetime', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ type: 'datetime', precision: 3 }) updatedAt: Date;
  /** Soft delete: gone from the catalog, still there for old orders. */
  @DeleteDateColumn({ type: 'datetime', precision: 3, nullable: true }) deletedAt: Date | null;
}
