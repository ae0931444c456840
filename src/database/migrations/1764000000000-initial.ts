import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { fkColumn, idColumn, timestampColumns, dateColumn } from '../migration-helpers';

/** Customers, accounts (one per customer at most), sign-in sessions, products. */
export class Initial1764000000000 implements MigrationInterface {
  name = 'Initial1764000000000';

  public async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'customers',
        columns: [
          idColumn(),
          { name: 'name', type: 'varchar', length: '120' },
          { name: 'email', type: 'varchar', length: '254', isUnique: true },
          { name: 'phone', type: 'varchar', length: '20' },
          ...timestampColumns(qr),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'accounts',
        columns: [
          idColumn(),
          { name: 'username', type: 'varchar', length: '64', isUnique: true },
          { name: 'passwordHash', type: 'varchar', length: '100' },
          { name: 'role', type: 'varchar', length: '16', default: "'customer'" },
          { ...fkColumn('customerId', true), isUnique: true },
          { name: 'tokenVersion', type: 'integer', default: 0 },
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
      }),
    );
    await qr.createTable(
      new Table({
        name: 'sessions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          fkColumn('accountId'),
          { name: 'refreshTokenHash', type: 'varchar', length: '64' },
          { name: 'tokenVersion', type: 'integer', default: 0 },
          dateColumn(qr, 'expiresAt', true),
          dateColumn(qr, 'revokedAt', true),
          ...timestampColumns(qr),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['accountId'],
            referencedTableName: 'accounts',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
        indices: [new TableIndex({ columnNames: ['accountId'] })],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'products',
        columns: [
          idColumn(),
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'description', type: 'text', isNullable: true },
          { name: 'sku', type: 'varchar', length: '64', isNullable: true, isUnique: true },
          // Money as integer cents: exact on every database, summed without floats.
          { name: 'priceCents', type: 'bigint' },
          { name: 'stock', type: 'integer', default: 0 },
          ...timestampColumns(qr),
          dateColumn(qr, 'deletedAt', true),
        ],
        indices: [
          new TableIndex({ columnNames: ['priceCents'] }),
          new TableIndex({ columnNames: ['name'] }),
          new TableIndex({ columnNames: ['createdAt'] }),
        ],
      }),
    );
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('products');
    await qr.dropTable('sessions');
    await qr.dropTable('accounts');
    await qr.dropTable('customers');
  }
}
