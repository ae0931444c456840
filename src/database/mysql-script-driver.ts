import { createPool, Pool, ResultSetHeader } from 'mysql2';
import { mysqlPoolOptionsOf } from '../fences/typeorm.fence';
import { DataSource, QueryFailedError } from 'typeorm';
import type { ScriptDriver } from './script-drivers';
import {
  failStep,
  insertIdOf,
  Statement,
  StatementResult,
  StatementScript,
  stepStatements,
} from './statement-script';

const BEGIN: Statement = { sql: 'START TRANSACTION', params: [] };
const COMMIT: Statement = { sql: 'COMMIT', params: [] };
const DEFERRED_RESULT: StatementResult = Object.freeze({
  rows: [],
  affected: 0,
  insertId: undefined,
});

/** What mysql2 gives back per statement: rows for a SELECT, a header for the rest. */
type Packet = ResultSetHeader | Record<string, unknown>[];

/**
 * The part of mysql2's callback API the driver uses (a fake in the unit tests). Not its
 * promise API: that captures a stack trace on every query (6.7% of place-order's CPU).
 */
export interface ScriptConnection {
  query(sql: string, params: unknown[], done: (err: Error | null, result?: unknown) => void): void;
  release(): void;
  destroy(): void;
}
export interface ScriptPool {
  getConnection(done: (err: Error | null, conn?: ScriptConnection) => void): void;
  end(done: (err?: Error | null) => void): void;
}

/**
 * MySQL/MariaDB: one transaction per script, with as few round trips as the script
 * allows. Each packet carries, separated by `;`, the statements held back (deferred) and
 * the statements of the step the script waits for; BEGIN rides with the first packet and
 * COMMIT with the last. The order script (orders/order-placement.service.ts) needs two
 * round trips instead of six statement by statement; the round trips were most of an
 * order's cost (docs/benchmarks.md).
 *
 * MySQL runs the statements of a packet in order and stops at the first error, so an
 * error leaves the rest of the packet, COMMIT included, unexecuted. The error, as a
 * QueryFailedError like TypeORM's (so it maps to the same problems and retries), reaches
 * the script at its `yield`, which may put it in its own words but must throw (failStep);
 * the driver then rolls back, or destroys a connection that cannot.
 *
 * `multipleStatements` is on only for this pool; TypeORM's pool keeps it off. Its safety
 * rule: a statement's text depends only on counts (how many lines, how many ids: the
 * placeholders of `IN (?, ?)` or of a multi-row VALUES), never on a value; every value
 * travels as a `?` parameter, a number the DTOs checked or a string mysql2 escapes
 * (TypeORM's own options: `stringifyObjects`, time zone, charset). `send` refuses a
 * statement that contains `;` or whose placeholders and parameters differ in number, so
 * one statement can never become two (mysql-script-driver.spec.ts, "safety rule").
 */
export class MysqlScriptDriver implements ScriptDriver {
  constructor(private readonly pool: ScriptPool) {}

  /** A pool with TypeORM's connection options for this data source, plus multipleStatements. */
  static forDataSource(dataSource: DataSource): MysqlScriptDriver {
    const pool: Pool = createPool({ ...mysqlPoolOptionsOf(dataSource), multipleStatements: true });
    return new MysqlScriptDriver(pool);
  }

  async run<T>(script: StatementScript<T>): Promise<T> {
    const conn = await this.connect();
    let held: Statement[] = [BEGIN];
    try {
      let step = script.next();
      while (!step.done) {
        const statements = stepStatements(step.value);
        if (statements.every((s) => s.deferred)) {
          held.push(...statements);
          step = script.next(statements.map(() => DEFERRED_RESULT));
          continue;
        }
        const results = await this.send(conn, [...held, ...statements]).catch((err: unknown) =>
          failStep(script, err),
        );
        held = [];
        step = script.next(results.slice(results.length - statements.length));
      }
      await this.send(conn, [...held, COMMIT]);
      conn.release();
      return step.value;
    } catch (err) {
      await this.rollback(conn);
      throw err;
    }
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.pool.end((err) => (err ? reject(err) : resolve())),
    );
  }

  private connect(): Promise<ScriptConnection> {
    return new Promise((resolve, reject) =>
      this.pool.getConnection((err, conn) =>
        err || !conn
          ? reject(new QueryFailedError(BEGIN.sql, [], err ?? new Error('no connection')))
          : resolve(conn),
      ),
    );
  }

  private async send(conn: ScriptConnection, statements: Statement[]): Promise<StatementResult[]> {
    for (const s of statements) assertPacketSafe(s);
    const sql = statements.map((s) => s.sql).join(';\n');
    const params = statements.flatMap((s) => s.params);
    const result = await query(conn, sql, params);
    // A packet of one statement comes back as that statement's result, not a list.
    const packets = statements.length === 1 ? [result as Packet] : (result as Packet[]);
    return packets.map((p) =>
      Array.isArray(p)
        ? { rows: p, affected: 0, insertId: undefined }
        : { rows: [], affected: p.affectedRows, insertId: p.insertId ? insertIdOf(p) : undefined },
    );
  }

  /** After an error: the connection goes back to the pool only if it rolled back cleanly. */
  private async rollback(conn: ScriptConnection): Promise<void> {
    try {
      await query(conn, 'ROLLBACK', []);
      conn.release();
    } catch {
      // Broken connection (or one in an unknown state): the server rolls back when it goes.
      conn.destroy();
    }
  }
}

/**
 * The multipleStatements safety rule, checked on every statement before it joins a packet:
 * no `;` of its own, and exactly one parameter per `?` (the scripts' SQL has no `?` or `;`
 * inside literals). Values never reach the text, so nothing a client sends can end the
 * statement and start another.
 */
export function assertPacketSafe(s: Statement): void {
  let placeholders = 0;
  for (let i = 0; i < s.sql.length; i++) {
    const c = s.sql.charCodeAt(i);
    if (c === 0x3b) throw new Error(`A script statement must not contain ";": ${s.sql}`);
    if (c === 0x3f) placeholders++;
  }
  if (placeholders !== s.params.length) {
    throw new Error(`${placeholders} placeholders, ${s.params.length} parameters: ${s.sql}`);
  }
}

function query(conn: ScriptConnection, sql: string, params: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) =>
    conn.query(sql, params, (err, result) =>
      err ? reject(new QueryFailedError(sql, params, err)) : resolve(result),
    ),
  );
}
