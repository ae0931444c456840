import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  OneToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Role } from '../../common/decorators/roles.decorator';
import { Customer } from '../../customers/entities/customer.entity';
import { EXACT_COLLATION } from '../../database/exact-text';

@Entity('accounts')
export class Account {
  @PrimaryGeneratedColumn() id: number;
  /** Stored lower-case (so unique regardless of case), compared exactly on every database. */
  @Column({ type: 'varchar', length: 64, unique: true, collation: EXACT_COLLATION })
  username: string;
  @Column({ type: 'varchar', length: 100, select: false }) passwordHash: string;
  @Column({ type: 'varchar', length: 16, default: 'customer' }) role: Role;
  @Column({ type: 'integer', nullable: true, unique: true }) customerId: number | null;
  @OneToOne(() => Customer, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'customerId' })
  customer?: Customer | null;
  /** Bumped on password change: access tokens carry it, older ones are refused. */
  @Column({ type: 'integer', default: 0 }) tokenVersion: number;
  @CreateDateColumn({ type: 'datetime', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ type: 'datetime', precision: 3 }) updatedAt: Date;
}
