import { EntityManager } from 'typeorm';
import { isMysql } from '../database/typeorm-options';
import { Customer } from './entities/customer.entity';

/**
 * MySQL: takes the customer's row lock, so writes of that customer's own rows (cart lines,
 * saved addresses) take turns: a count and the insert that depends on it cannot interleave.
 * Taken before any plain read, the REPEATABLE READ snapshot then holds every such write
 * committed before the lock was granted. SQLite runs one transaction at a time anyway.
 */
export async function lockCustomer(em: EntityManager, customerId: number): Promise<void> {
  if (!isMysql(em.connection.options)) return;
  await em
    .createQueryBuilder(Customer, 'c')
    .select('c.id')
    .where('c.id = :customerId', { customerId })
    .setLock('pessimistic_write')
    .getRawOne();
}
