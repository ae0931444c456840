import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { Product } from '../../products/entities/product.entity';

/** One line of a customer's cart (one cart per customer, one line per product). */
@Entity('cart_items')
@Unique(['customerId', 'productId'])
export class CartItem {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) customerId: number;
  @Column({ type: 'integer' }) productId: number;
  @ManyToOne(() => Product, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'productId' })
  product?: Product;
  @Column({ type: 'integer' }) quantity: number;
  @CreateDateColumn({ type: 'datetime', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ type: 'datetime', precision: 3 }) updatedAt: Date;
}
