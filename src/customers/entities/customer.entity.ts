import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

@Entity('customers')
export class Customer {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 120 }) name: string;
  /** Stored lower-case; unique. */
  @Column({ type: 'varchar', length: 254, unique: true }) email: string;
  /** E.164, e.g. +4915112345678. */
  @Column({ type: 'varchar', length: 20 }) phone: string;
  /** Folded name, e-mail and phone, one per line (customer-search.ts); never sent. */
  @Column({ type: 'varchar', length: 1200, default: '', select: false }) searchText?: string;
  @CreateDateColumn({ type: 'datetime', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ type: 'datetime', precision: 3 }) updatedAt: Date;
}
