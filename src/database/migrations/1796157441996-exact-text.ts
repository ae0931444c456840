import { MigrationInterface, QueryRunner } from 'typeorm';
import { isMysqlRunner } from '../migration-helpers';

/** The columns that compare exactly (usernames, SKUs, session ids, Idempotency-Keys). */
const EXACT_COLUMNS = [
  ['accounts', 'username'],
  ['products', 'sku'],
  ['sessions', 'id'],
  ['idempotency_keys', 'key'],
] as const;

/**
 * Binary NO PAD utf8mb4 collations, best first: MariaDB's, MySQL 8's; utf8mb4_bin (PAD
 * SPACE: it still ignores trailing spaces) only on a server that has neither.
 */
const COLLATIONS = ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin', 'utf8mb4_bin'];

/** The tables with createdAt and updatedAt. */
const STAMPED = ['customers', 'accounts', 'sessions', 'products', 'orders', 'cart_items'];

/**
 * Text compares the same way on both databases: the exact columns get a binary collation on
 * MySQL/MariaDB (SQLite compares bytes already: nothing to do there). Going to a finer
 * collation cannot break a unique index; existing values stay as they are. Rows whose
 * updatedAt was cut to whole seconds below their createdAt are repaired.
 *
 * `down` restores the table's default collation; it fails when the data now holds values
 * that differ only in case or accents (e.g. SKUs `ABC` and `abc`), as it should.
 */
export class ExactText1796157441996 implements MigrationInterface {
  name = 'ExactText1796157441996';

  public async up(qr: QueryRunner): Promise<void> {
    const q = (name: string) => qr.connection.driver.escape(name);
    // Data, not schema (no Table API for it): one portable statement per table.
    for (const table of STAMPED) {
      await qr.query(
        `UPDATE ${q(table)} SET ${q('updatedAt')} = ${q('createdAt')} ` +
          `WHERE ${q('updatedAt')} < ${q('createdAt')}`,
      );
    }
    if (!isMysqlRunner(qr)) return;
    const collation = await exactCollation(qr);
    for (const [table, column] of EXACT_COLUMNS) await setCollation(qr, table, column, collation);
  }

  public async down(qr: QueryRunner): Promise<void> {
    if (!isMysqlRunner(qr)) return;
    for (const [table, column] of EXACT_COLUMNS) await setCollation(qr, table, column, undefined);
  }
}

async function exactCollation(qr: QueryRunner): Promise<string> {
  const rows = (await qr.query(
    'SELECT COLLATION_NAME AS name FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN (?)',
    [COLLATIONS],
  )) as { name: string }[];
  const found = COLLATIONS.find((c) => rows.some((r) => r.name === c));
  if (!found) throw new Error(`The server has none of the collations ${COLLATIONS.join(', ')}`);
  return found;
}

/** ALTER TABLE ... CHANGE through the Table API; unique indexes and the key stay. */
async function setCollation(
  qr: QueryRunner,
  tableName: string,
  columnName: string,
  collation: string | undefined,
): Promise<void> {
  const table = await qr.getTable(tableName);
  const column = table?.findColumnByName(columnName);
  if (!table || !column) throw new Error(`Column ${tableName}.${columnName} not found`);
  if (column.collation === collation) return;
  const changed = column.clone();
  changed.collation = collation;
  // None of these columns has a default. With type 'mysql' TypeORM reads MariaDB's
  // COLUMN_DEFAULT "NULL" (no default) as the string 'NULL' and would write it back.
  changed.default = undefined;
  // The collation implies it; named so a database whose default is another charset works too.
  changed.charset = collation === undefined ? undefined : 'utf8mb4';
  await qr.changeColumn(table, column, changed);
}
