import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { gramsOf, SEARCH_TEXT_LENGTH, searchTextOf } from '../../customers/customer-search';
import { isMysqlRunner } from '../migration-helpers';

const BATCH = 1000;

/**
 * Customer search's index (docs/architecture.md, "Customer search"): each customer's folded
 * fields (`customers.searchText`) and their runs of three characters (`customer_grams`,
 * primary key (gram, customerId)), both compared bytewise (utf8mb4_bin on MySQL/MariaDB).
 * Existing customers are indexed here, in batches.
 */
export class CustomerSearch1797500000000 implements MigrationInterface {
  name = 'CustomerSearch1797500000000';

  public async up(qr: QueryRunner): Promise<void> {
    const mysql = isMysqlRunner(qr);
    const binary = {
      charset: mysql ? 'utf8mb4' : undefined,
      collation: mysql ? 'utf8mb4_bin' : undefined,
    };
    const column = new TableColumn({
      name: 'searchText',
      type: 'varchar',
      length: String(SEARCH_TEXT_LENGTH),
      default: "''",
      ...binary,
    });
    if (mysql) await qr.addColumn('customers', column);
    // SQLite: a plain ADD COLUMN. The Table API would copy and drop the table, and dropping
    // `customers` while foreign keys are on deletes what cascades from it (accounts).
    else
      await qr.query(
        `ALTER TABLE "customers" ADD COLUMN "searchText" varchar(${SEARCH_TEXT_LENGTH}) NOT NULL DEFAULT ''`,
      );
    await qr.createTable(
      new Table({
        name: 'customer_grams',
        columns: [
          { name: 'gram', type: 'varchar', length: '3', isPrimary: true, ...binary },
          { name: 'customerId', type: 'integer', isPrimary: true },
        ],
        indices: [
          new TableIndex({ name: 'IDX_customer_grams_customer', columnNames: ['customerId'] }),
        ],
        foreignKeys: [
          {
            columnNames: ['customerId'],
            referencedTableName: 'customers',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await backfill(qr);
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('customer_grams');
    if (isMysqlRunner(qr)) await qr.dropColumn('customers', 'searchText');
    else await qr.query('ALTER TABLE "customers" DROP COLUMN "searchText"');
  }
}

async function backfill(qr: QueryRunner): Promise<void> {
  const q = (name: string) => qr.connection.driver.escape(name);
  let after = 0;
  for (;;) {
    const rows = (await qr.query(
      `SELECT ${q('id')}, ${q('name')}, ${q('email')}, ${q('phone')} FROM ${q('customers')} ` +
        `WHERE ${q('id')} > ? ORDER BY ${q('id')} LIMIT ${BATCH}`,
      [after],
    )) as { id: number; name: string; email: string; phone: string }[];
    if (rows.length === 0) return;
    const grams: (string | number)[][] = [];
    for (const r of rows) {
      const text = searchTextOf(r);
      await qr.query(`UPDATE ${q('customers')} SET ${q('searchText')} = ? WHERE ${q('id')} = ?`, [
        text,
        r.id,
      ]);
      for (const gram of gramsOf(text)) grams.push([gram, Number(r.id)]);
    }
    for (let i = 0; i < grams.length; i += BATCH) {
      const chunk = grams.slice(i, i + BATCH);
      await qr.query(
        `INSERT INTO ${q('customer_grams')} (${q('gram')}, ${q('customerId')}) VALUES ` +
          chunk.map(() => '(?, ?)').join(', '),
        chunk.flat(),
      );
    }
    after = Number(rows[rows.length - 1].id);
  }
}
