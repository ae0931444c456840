import { InsertEvent, ObjectLiteral, UpdateEvent } from 'typeorm';
import type { ColumnMetadata } from '../fences/typeorm.fence';
import { nowMillisecondsSql, TimestampsSubscriber } from './timestamps.subscriber';

const column = (propertyName: string) =>
  ({
    propertyName,
    getEntityValue: (e: ObjectLiteral) => e[propertyName] as unknown,
    setEntityValue: (e: ObjectLiteral, v: unknown) => {
      e[propertyName] = v;
    },
  }) as unknown as ColumnMetadata;

const metadata = {
  createDateColumn: column('createdAt'),
  updateDateColumn: column('updatedAt'),
};

const sqlOf = (v: unknown) => (typeof v === 'function' ? (v as () => string)() : v);

describe('nowMillisecondsSql', () => {
  it('is the database clock in milliseconds, as the migrations default it', () => {
    expect(nowMillisecondsSql('mysql')).toBe('CURRENT_TIMESTAMP(3)');
    expect(nowMillisecondsSql('mariadb')).toBe('CURRENT_TIMESTAMP(3)');
    expect(nowMillisecondsSql('better-sqlite3')).toBe("strftime('%Y-%m-%d %H:%M:%f', 'now')");
  });
});

describe('TimestampsSubscriber', () => {
  const subscriber = new TimestampsSubscriber();
  const event = (type: string, entity: ObjectLiteral | undefined, databaseEntity?: ObjectLiteral) =>
    ({
      connection: { options: { type } },
      metadata,
      entity,
      databaseEntity,
    }) as unknown as InsertEvent<ObjectLiteral> & UpdateEvent<ObjectLiteral>;

  it('inserts both timestamps with milliseconds unless given', () => {
    const row: ObjectLiteral = { name: 'x' };
    subscriber.beforeInsert(event('better-sqlite3', row));
    expect(sqlOf(row.createdAt)).toBe("strftime('%Y-%m-%d %H:%M:%f', 'now')");
    expect(sqlOf(row.updatedAt)).toBe("strftime('%Y-%m-%d %H:%M:%f', 'now')");
    const given = new Date('2024-01-01T00:00:00.123Z');
    const other: ObjectLiteral = { createdAt: given };
    subscriber.beforeInsert(event('mysql', other));
    expect(other.createdAt).toBe(given);
    expect(sqlOf(other.updatedAt)).toBe('CURRENT_TIMESTAMP(3)');
  });

  it('renews updatedAt on save(), where the entity still holds the old value', () => {
    const loaded = { id: 1, updatedAt: new Date(0) };
    subscriber.beforeUpdate(event('mysql', loaded, { ...loaded }));
    expect(sqlOf(loaded.updatedAt)).toBe('CURRENT_TIMESTAMP(3)');
  });

  it('adds updatedAt to an update() SET map, unless the map names it', () => {
    const set: ObjectLiteral = { quantity: 2 };
    subscriber.beforeUpdate(event('mysql', set));
    expect(sqlOf(set.updatedAt)).toBe('CURRENT_TIMESTAMP(3)');
    const named: ObjectLiteral = { updatedAt: () => 'createdAt' };
    subscriber.beforeUpdate(event('mysql', named));
    expect(sqlOf(named.updatedAt)).toBe('createdAt');
    expect(() => subscriber.beforeUpdate(event('mysql', undefined))).not.toThrow();
  });
});
