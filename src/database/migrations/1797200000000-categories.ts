import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { fkColumn, idColumn, timestampColumns } from '../migration-helpers';

/**
 * The category tree, its closure table and the product assignments.
 *
 * `category_closure` holds one row per (ancestor, descendant) pair, a category being its own
 * ancestor at depth 0: "every category under X" is one primary-key range, so the product
 * filter `?category=X` is a semi-join of two indexed lookups whatever the depth of the tree.
 * `product_categories` is indexed both ways: (productId, categoryId) for a product's answer,
 * (categoryId, productId) for the filter.
 */
export class Categories1797200000000 implements MigrationInterface {
  name = 'Categories1797200000000';

  public async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'categories',
        columns: [
          idColumn(),
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'slug', type: 'varchar', length: '200', isUnique: true },
          fkColumn('parentId', true),
          ...timestampColumns(qr),
        ],
        foreignKeys: [
          // RESTRICT: a category with children cannot be deleted (the API answers 409).
          new TableForeignKey({
            columnNames: ['parentId'],
            referencedTableName: 'categories',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
          }),
        ],
        indices: [new TableIndex({ columnNames: ['parentId'] })],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'category_closure',
        columns: [
          { ...fkColumn('ancestorId'), isPrimary: true },
          { ...fkColumn('descendantId'), isPrimary: true },
          { name: 'depth', type: 'integer' },
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['ancestorId'],
            referencedTableName: 'categories',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
          new TableForeignKey({
            columnNames: ['descendantId'],
            referencedTableName: 'categories',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
        indices: [new TableIndex({ columnNames: ['descendantId', 'ancestorId'] })],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'product_categories',
        columns: [
          { ...fkColumn('productId'), isPrimary: true },
          { ...fkColumn('categoryId'), isPrimary: true },
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['productId'],
            referencedTableName: 'products',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
          // RESTRICT: deleting a category that still has products is a 409 in the API.
          new TableForeignKey({
            columnNames: ['categoryId'],
            referencedTableName: 'categories',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
          }),
        ],
        indices: [new TableIndex({ columnNames: ['categoryId', 'productId'] })],
      }),
    );
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('product_categories');
    await qr.dropTable('category_closure');
    await qr.dropTable('categories');
  }
}
