import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { rebuildCategoryCounters } from '../../categories/category-counters';

/** Per-category product counts (categories/category-counters.ts), counted from the tables. */
export class CategoryCounters1797400000000 implements MigrationInterface {
  name = 'CategoryCounters1797400000000';

  public async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'category_counters',
        columns: [
          { name: 'categoryId', type: 'integer', isPrimary: true },
          { name: 'products', type: 'integer', default: 0 },
          { name: 'inStock', type: 'integer', default: 0 },
        ],
      }),
    );
    await rebuildCategoryCounters((sql, params) => qr.query(sql, params));
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('category_counters');
  }
}
