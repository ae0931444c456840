import { QueryRunner, TableColumnOptions } from 'typeorm';

/** Portable column shapes for migrations, so one migration serves MySQL and SQLite. */
export function isMysqlRunner(qr: QueryRunner): boolean {
  const type = qr.connection.options.type;
  return type === 'mysql' || type === 'mariadb';
}

export function idColumn(): TableColumnOptions {
  return {
    name: 'id',
    type: 'integer',
    isPrimary: true,
    isGenerated: true,
    generationStrategy: 'increment',
  };
}

export function dateColumn(qr: QueryRunner, name: string, nullable = false): TableColumnOptions {
  const mysql = isMysqlRunner(qr);
  return {
    name,
    type: 'datetime',
    precision: mysql ? 3 : undefined,
    isNullable: nullable,
    default: nullable
      ? undefined
      : mysql
        ? 'CURRENT_TIMESTAMP(3)'
        : "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
  };
}

export function timestampColumns(qr: QueryRunner): TableColumnOptions[] {
  return [dateColumn(qr, 'createdAt'), dateColumn(qr, 'updatedAt')];
}

export function fkColumn(name: string, nullable = false): TableColumnOptions {
  return { name, type: 'integer', isNullable: nullable };
}
