import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { rebuildCounters } from '../../counters/list-counters';

/** The counters behind exact list totals (counters/list-counters.ts), counted from the tables. */
export class ListCounters1797000000000 implements MigrationInterface {
  name = 'ListCounters1797000000000';

  public async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'list_counters',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'shard', type: 'integer', isPrimary: true },
          { name: 'n', type: 'bigint', default: 0 },
        ],
      }),
    );
    await rebuildCounters((sql, params) => qr.query(sql, params));
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('list_counters');
  }
}
