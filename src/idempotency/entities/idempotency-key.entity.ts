import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { EXACT_COLLATION } from '../../database/exact-text';

export type IdempotencyStatus = 'in_progress' | 'done';

/** The stored outcome of one Idempotency-Key of one account (UNIQUE(accountId, key)). */
@Entity('idempotency_keys')
export class IdempotencyKey {
  @PrimaryGeneratedColumn() id: number;
  /** Opaque and compared exactly: `key-ABC` and `Key-abc` are two keys. */
  @Column({ type: 'varchar', length: 255, collation: EXACT_COLLATION }) key: string;
  @Column({ type: 'integer' }) accountId: number;
  /** sha256 of method, path and the canonical JSON body. */
  @Column({ type: 'varchar', length: 64 }) requestHash: string;
  @Column({ type: 'varchar', length: 16 }) status: IdempotencyStatus;
  @Column({ type: 'integer', nullable: true }) responseStatus: number | null;
  /** The first response's JSON body, replayed as-is. */
  @Column({ type: 'text', nullable: true }) responseBody: string | null;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
  @Column({ type: 'datetime', precision: 3 }) expiresAt: Date;
}
