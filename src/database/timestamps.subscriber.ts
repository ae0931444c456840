import {
  DataSourceOptions,
  EntitySubscriberInterface,
  EventSubscriber,
  InsertEvent,
  ObjectLiteral,
  UpdateEvent,
} from 'typeorm';
import type { ColumnMetadata } from '../fences/typeorm.fence';

/**
 * The database's current time in milliseconds, in the form its timestamp columns keep: the
 * same expression the migrations give these columns as their default.
 */
export function nowMillisecondsSql(type: DataSourceOptions['type']): string {
  return type === 'mysql' || type === 'mariadb'
    ? 'CURRENT_TIMESTAMP(3)'
    : "strftime('%Y-%m-%d %H:%M:%f', 'now')";
}

/**
 * Makes @CreateDateColumn and @UpdateDateColumn keep milliseconds on every database, for
 * every entity and every write path (save, insert, update, the query builder). TypeORM
 * writes `updatedAt = CURRENT_TIMESTAMP` on each update, which MySQL and SQLite give in
 * whole seconds, so an update in the second of the insert read earlier than its createdAt;
 * on SQLite it inserts `datetime('now')`, whole seconds too. A value set here is taken as
 * the column's (TypeORM then adds none of its own): the database clock, in milliseconds,
 * so createdAt and updatedAt come from one clock and updatedAt is never before createdAt.
 *
 * Writes that bypass TypeORM (the order placement's statements) set these columns themselves.
 */
@EventSubscriber()
export class TimestampsSubscriber implements EntitySubscriberInterface {
  beforeInsert(event: InsertEvent<ObjectLiteral>): void {
    const sql = nowMillisecondsSql(event.connection.options.type);
    for (const column of [event.metadata.createDateColumn, event.metadata.updateDateColumn]) {
      if (column) setUnlessGiven(event.entity, column, sql);
    }
  }

  beforeUpdate(event: UpdateEvent<ObjectLiteral>): void {
    const column = event.metadata.updateDateColumn;
    if (!column || !event.entity) return;
    const sql = nowMillisecondsSql(event.connection.options.type);
    if (event.databaseEntity !== undefined) {
      // save(): the entity is the loaded row and still holds the old updatedAt.
      column.setEntityValue(event.entity, () => sql);
    } else {
      // update() / the query builder: the entity is the SET map.
      setUnlessGiven(event.entity, column, sql);
    }
  }
}

function setUnlessGiven(entity: ObjectLiteral | undefined, column: ColumnMetadata, sql: string) {
  if (entity && column.getEntityValue(entity) === undefined) {
    column.setEntityValue(entity, () => sql);
  }
}
