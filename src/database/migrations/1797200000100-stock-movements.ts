import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { dateColumn, fkColumn, idColumn } from '../migration-helpers';

/**
 * The inventory ledger: one row per change of a product's stock. Existing stock gets an
 * `initial` movement, so stock equals the sum of the deltas from the first day on.
 */
export class StockMovements1797200000100 implements MigrationInterface {
  name = 'StockMovements1797200000100';

  public async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'stock_movements',
        columns: [
          idColumn(),
          fkColumn('productId'),
          { name: 'delta', type: 'integer' },
          { name: 'stockAfter', type: 'integer' },
          { name: 'reason', type: 'varchar', length: '16' },
          // No foreign keys: a movement is a record and outlives its order or account.
          fkColumn('orderId', true),
          fkColumn('accountId', true),
          { name: 'note', type: 'varchar', length: '200', isNullable: true },
          dateColumn(qr, 'createdAt'),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['productId'],
            referencedTableName: 'products',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
        // A product's movements newest first, by id: one index range per page.
        indices: [
          new TableIndex({ columnNames: ['productId', 'id'] }),
          new TableIndex({ columnNames: ['orderId'] }),
        ],
      }),
    );
    // Data, not schema: one portable statement.
    const q = (name: string) => qr.connection.driver.escape(name);
    await qr.query(
      `INSERT INTO ${q('stock_movements')} (${q('productId')}, ${q('delta')}, ${q('stockAfter')}, ` +
        `${q('reason')}, ${q('createdAt')}) SELECT ${q('id')}, ${q('stock')}, ${q('stock')}, 'initial', ` +
        `${q('createdAt')} FROM ${q('products')} WHERE ${q('stock')} > 0 ORDER BY ${q('id')}`,
    );
    // GET /products?stockBelow=N: a range of this index, not a scan of the catalog.
    await qr.createIndex(
      'products',
      new TableIndex({ name: 'IDX_products_stock', columnNames: ['stock'] }),
    );
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('products', 'IDX_products_stock');
    await qr.dropTable('stock_movements');
  }
}
