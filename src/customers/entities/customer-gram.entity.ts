import { Entity, PrimaryColumn } from 'typeorm';

/**
 * The customer search index (src/customers/customer-search.ts): one row per distinct run
 * of three characters of a customer's folded name, e-mail or phone.
 */
@Entity('customer_grams')
export class CustomerGram {
  /** Three code points, compared bytewise (utf8mb4_bin on MySQL/MariaDB). */
  @PrimaryColumn({ type: 'varchar', length: 3 }) gram: string;
  @PrimaryColumn({ type: 'integer' }) customerId: number;
}
