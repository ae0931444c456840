import {
  MigrationInterface,
  QueryRunner,
  Table,
  TableColumn,
  TableForeignKey,
  TableIndex,
} from 'typeorm';
import { fkColumn, idColumn, timestampColumns } from '../migration-helpers';

const text = (name: string, nullable = false, length = '200') =>
  ({ name, type: 'varchar', length, isNullable: nullable }) as const;

/** The address fields, as saved (`addresses`) and as an order's snapshot (`orders.shipping*`). */
const FIELDS = [
  ['name', false, '200'],
  ['line1', false, '200'],
  ['line2', true, '200'],
  ['city', false, '200'],
  ['region', true, '200'],
  ['postalCode', false, '200'],
  ['country', false, '2'],
  ['phone', true, '16'],
] as const;

const snapshotName = (field: string) => `shipping${field[0].toUpperCase()}${field.slice(1)}`;

/**
 * Saved shipping addresses (a customer's, deleted with it), and the order's snapshot as
 * nullable columns on `orders` (all null for an order placed without an address): a copy,
 * so editing or deleting a saved address never changes an order.
 */
export class ShippingAddresses1797300000000 implements MigrationInterface {
  name = 'ShippingAddresses1797300000000';

  public async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'addresses',
        columns: [
          idColumn(),
          fkColumn('customerId'),
          ...FIELDS.map(([field, nullable, length]) => text(field, nullable, length)),
          ...timestampColumns(qr),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['customerId'],
            referencedTableName: 'customers',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
        indices: [new TableIndex({ columnNames: ['customerId'] })],
      }),
    );
    await qr.addColumns(
      'orders',
      FIELDS.map(([field, , length]) => new TableColumn(text(snapshotName(field), true, length))),
    );
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumns(
      'orders',
      FIELDS.map(([field]) => snapshotName(field)),
    );
    await qr.dropTable('addresses');
  }
}
