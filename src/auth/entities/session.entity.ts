import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { EXACT_COLLATION } from '../../database/exact-text';

/** One sign-in: holds the hash of its current refresh token, rotated on every use. */
@Entity('sessions')
export class Session {
  @PrimaryColumn({ type: 'varchar', length: 36, collation: EXACT_COLLATION }) id: string;
  @Index() @Column({ type: 'integer' }) accountId: number;
  @Column({ type: 'varchar', length: 64 }) refreshTokenHash: string;
  /** The account's tokenVersion at sign-in: a password change ends the session. */
  @Column({ type: 'integer', default: 0 }) tokenVersion: number;
  @Column({ type: 'datetime', precision: 3, nullable: true }) expiresAt: Date | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) revokedAt: Date | null;
  @CreateDateColumn({ type: 'datetime', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ type: 'datetime', precision: 3 }) updatedAt: Date;
}
