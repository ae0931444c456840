import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Indexes for every filter of GET /orders in its order (orderDate DESC, id DESC; both
 * databases append the primary key to a secondary index, so `id` is in each): status
 * alone, and a customer's orders by status. (customerId, orderDate) and (orderDate)
 * exist; (status) alone is replaced by (status, orderDate), which serves it too.
 */
export class ListIndexes1797000000100 implements MigrationInterface {
  name = 'ListIndexes1797000000100';

  public async up(qr: QueryRunner): Promise<void> {
    const table = await qr.getTable('orders');
    const statusOnly = table?.indices.find(
      (i) => i.columnNames.length === 1 && i.columnNames[0] === 'status',
    );
    if (statusOnly) await qr.dropIndex('orders', statusOnly);
    await qr.createIndices('orders', [
      new TableIndex({ name: 'IDX_orders_status_date', columnNames: ['status', 'orderDate'] }),
      new TableIndex({
        name: 'IDX_orders_customer_status_date',
        columnNames: ['customerId', 'status', 'orderDate'],
      }),
    ]);
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('orders', 'IDX_orders_customer_status_date');
    await qr.dropIndex('orders', 'IDX_orders_status_date');
    await qr.createIndex('orders', new TableIndex({ columnNames: ['status'] }));
  }
}
