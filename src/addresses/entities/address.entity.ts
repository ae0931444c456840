import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Customer } from '../../customers/entities/customer.entity';

/** A customer's saved shipping address (at most MAX_ADDRESSES). Orders keep a copy, not a reference. */
@Entity('addresses')
export class Address {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) customerId: number;
  @ManyToOne(() => Customer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customerId' })
  customer?: Customer;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 200 }) line1: string;
  @Column({ type: 'varchar', length: 200, nullable: true }) line2: string | null;
  @Column({ type: 'varchar', length: 200 }) city: string;
  @Column({ type: 'varchar', length: 200, nullable: true }) region: string | null;
  @Column({ type: 'varchar', length: 200 }) postalCode: string;
  /** ISO 3166-1 alpha-2, upper case. */
  @Column({ type: 'varchar', length: 2 }) country: string;
  /** E.164. */
  @Column({ type: 'varchar', length: 16, nullable: true }) phone: string | null;
  @CreateDateColumn({ type: 'datetime', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ type: 'datetime', precision: 3 }) updatedAt: Date;
}
