import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { dateColumn, fkColumn, idColumn, timestampColumns } from '../migration-helpers';

/** Orders with their item snapshots, carts, and stored Idempotency-Key outcomes. */
export class Orders1764000000100 implements MigrationInterface {
  name = 'Orders1764000000100';

  public async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'orders',
        columns: [
          idColumn(),
          fkColumn('customerId'),
          { name: 'status', type: 'varchar', length: '16', default: "'pending'" },
          { name: 'totalCents', type: 'bigint' },
          dateColumn(qr, 'orderDate'),
          ...timestampColumns(qr),
        ],
        foreignKeys: [
          // RESTRICT: a customer with orders cannot be deleted (the API answers 409).
          new TableForeignKey({
            columnNames: ['customerId'],
            referencedTableName: 'customers',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
          }),
        ],
        indices: [
          new TableIndex({ columnNames: ['customerId', 'orderDate'] }),
          new TableIndex({ columnNames: ['status'] }),
          new TableIndex({ columnNames: ['orderDate'] }),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'order_items',
        columns: [
          idColumn(),
          fkColumn('orderId'),
          // No FK: the item is a snapshot and must outlive anything done to the product.
          fkColumn('productId'),
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'unitPriceCents', type: 'bigint' },
          { name: 'quantity', type: 'integer' },
          { name: 'lineTotalCents', type: 'bigint' },
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['orderId'],
            referencedTableName: 'orders',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
        indices: [
          new TableIndex({ columnNames: ['orderId'] }),
          new TableIndex({ columnNames: ['productId'] }),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'cart_items',
        columns: [
          idColumn(),
          fkColumn('customerId'),
          fkColumn('productId'),
          { name: 'quantity', type: 'integer' },
          ...timestampColumns(qr),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['customerId'],
            referencedTableName: 'customers',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
          // Products are only soft-deleted; the FK keeps the cart honest all the same.
          new TableForeignKey({
            columnNames: ['productId'],
            referencedTableName: 'products',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
        indices: [
          new TableIndex({ columnNames: ['customerId', 'productId'], isUnique: true }),
          new TableIndex({ columnNames: ['productId'] }),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          idColumn(),
          { name: 'key', type: 'varchar', length: '255' },
          fkColumn('accountId'),
          { name: 'requestHash', type: 'varchar', length: '64' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'responseStatus', type: 'integer', isNullable: true },
          { name: 'responseBody', type: 'text', isNullable: true },
          dateColumn(qr, 'createdAt'),
          dateColumn(qr, 'expiresAt'),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['accountId'],
            referencedTableName: 'accounts',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
        indices: [
          // The unique insert of the in_progress row is the lock that prevents a second order.
          new TableIndex({ columnNames: ['accountId', 'key'], isUnique: true }),
          new TableIndex({ columnNames: ['expiresAt'] }),
        ],
      }),
    );
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('idempotency_keys');
    await qr.dropTable('cart_items');
    await qr.dropTable('order_items');
    await qr.dropTable('orders');
  }
}
