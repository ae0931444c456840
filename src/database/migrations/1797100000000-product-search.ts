import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { searchDocument } from '../../products/search-words';
import { isMysqlRunner } from '../migration-helpers';

const BATCH = 1000;

/**
 * Product search's word index (see docs/architecture.md, "Search"): one row per distinct
 * index token of a live product, the primary key (token, productId) serving prefix ranges.
 * Tokens are plain ASCII, compared bytewise on both databases (ascii_bin on MySQL/MariaDB).
 * Existing live products are indexed here, in batches.
 */
export class ProductSearch1797100000000 implements MigrationInterface {
  name = 'ProductSearch1797100000000';

  public async up(qr: QueryRunner): Promise<void> {
    const mysql = isMysqlRunner(qr);
    await qr.createTable(
      new Table({
        name: 'product_words',
        columns: [
          {
            name: 'token',
            type: 'varchar',
            length: '80',
            isPrimary: true,
            charset: mysql ? 'ascii' : undefined,
            collation: mysql ? 'ascii_bin' : undefined,
          },
          { name: 'productId', type: 'integer', isPrimary: true },
        ],
        indices: [
          new TableIndex({
            name: 'IDX_product_words_product',
            columnNames: ['productId', 'token'],
          }),
        ],
        foreignKeys: [
          {
            columnNames: ['productId'],
            referencedTableName: 'products',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await backfill(qr);
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('product_words');
  }
}

async function backfill(qr: QueryRunner): Promise<void> {
  const q = (name: string) => qr.connection.driver.escape(name);
  let after = 0;
  for (;;) {
    const rows = (await qr.query(
      `SELECT ${q('id')}, ${q('name')}, ${q('description')}, ${q('sku')} FROM ${q('products')} ` +
        `WHERE ${q('id')} > ? AND ${q('deletedAt')} IS NULL ORDER BY ${q('id')} LIMIT ${BATCH}`,
      [after],
    )) as { id: number; name: string; description: string | null; sku: string | null }[];
    if (rows.length === 0) return;
    const values = rows.flatMap((r) => searchDocument(r).map((token) => [token, Number(r.id)]));
    for (let i = 0; i < values.length; i += BATCH) {
      const chunk = values.slice(i, i + BATCH);
      await qr.query(
        `INSERT INTO ${q('product_words')} (${q('token')}, ${q('productId')}) VALUES ` +
          chunk.map(() => '(?, ?)').join(', '),
        chunk.flat(),
      );
    }
    after = Number(rows[rows.length - 1].id);
  }
}
