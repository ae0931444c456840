import { QueryFailedError } from 'typeorm';
import { isUnavailableError } from '../common/errors/problem';
import { format } from 'mysql2';
import { placeOrder } from '../orders/order-placement.service';
import { assertPacketSafe, MysqlScriptDriver, ScriptConnection } from './mysql-script-driver';
import { deferred, statement, StatementScript } from './statement-script';

type Answer = (sql: string, params: unknown[]) => unknown;

/**
 * mysql2's promise connection, as far as the driver uses it: answers each packet like a
 * server would (one result per `;`-separated statement; a single statement's result on
 * its own) and records what was sent. The real server is exercised by the e2e suite's
 * MariaDB pass (orders, cart, idempotency, last units).
 */
function fakePool(answer: Answer = () => undefined) {
  const sent: { sql: string; params: unknown[] }[] = [];
  const conn = {
    released: 0,
    destroyed: 0,
    query: jest.fn(
      (sql: string, params: unknown[], done: (err: Error | null, result?: unknown) => void) => {
        sent.push({ sql, params });
        const each: unknown[] = [];
        for (const one of sql.split(';\n')) {
          const custom = answer(one, params);
          if (custom instanceof Error) return setImmediate(() => done(custom));
          each.push(custom ?? (one.startsWith('SELECT') ? [] : { affectedRows: 0, insertId: 0 }));
        }
        setImmediate(() => done(null, each.length === 1 ? each[0] : each));
      },
    ),
    release: jest.fn(() => void conn.released++),
    destroy: jest.fn(() => void conn.destroyed++),
  };
  const pool = {
    failNext: undefined as Error | undefined,
    getConnection: (done: (err: Error | null, c?: ScriptConnection) => void) => {
      const err = pool.failNext;
      pool.failNext = undefined;
      setImmediate(() => (err ? done(err) : done(null, conn)));
    },
    end: (done: () => void) => done(),
  };
  return { driver: new MysqlScriptDriver(pool), conn, pool, sent };
}

const mysqlError = (code: string) => Object.assign(new Error(code), { code });

describe('MysqlScriptDriver', () => {
  it('sends BEGIN with the first step, deferred statements with the next one, and COMMIT last', async () => {
    const { driver, sent, conn } = fakePool((sql) => {
      if (sql.startsWith('UPDATE')) return { affectedRows: 1, insertId: 0 };
      if (sql.startsWith('SELECT')) return [{ n: 7 }];
      if (sql.startsWith('INSERT INTO a')) return { affectedRows: 1, insertId: 41 };
      return undefined;
    });
    const seen: unknown[] = [];
    const result = await driver.run(
      (function* (): StatementScript<string> {
        seen.push(
          yield [statement('UPDATE p SET s = s - ?', [1]), statement('SELECT n FROM p', [])],
        );
        seen.push(yield statement('INSERT INTO a (x) VALUES (?)', ['x']));
        seen.push(yield deferred('INSERT INTO b (y) VALUES (?)', ['y']));
        seen.push(yield deferred('INSERT INTO c (z) VALUES (?)', ['z']));
        return 'placed';
      })(),
    );
    expect(result).toBe('placed');
    expect(sent).toEqual([
      { sql: 'START TRANSACTION;\nUPDATE p SET s = s - ?;\nSELECT n FROM p', params: [1] },
      { sql: 'INSERT INTO a (x) VALUES (?)', params: ['x'] },
      {
        sql: 'INSERT INTO b (y) VALUES (?);\nINSERT INTO c (z) VALUES (?);\nCOMMIT',
        params: ['y', 'z'],
      },
    ]);
    // Each step gets the results of its own statements only, in order.
    expect(seen).toEqual([
      [
        { rows: [], affected: 1, insertId: undefined },
        { rows: [{ n: 7 }], affected: 0, insertId: undefined },
      ],
      [{ rows: [], affected: 1, insertId: 41 }],
      [{ rows: [], affected: 0, insertId: undefined }],
      [{ rows: [], affected: 0, insertId: undefined }],
    ]);
    expect(conn.released).toBe(1);
  });

  it('sends held statements before the next step that needs a result', async () => {
    const { driver, sent } = fakePool();
    await driver.run(
      (function* (): StatementScript<void> {
        yield deferred('INSERT INTO b (y) VALUES (?)', ['y']);
        yield statement('SELECT 1', []);
      })(),
    );
    expect(sent.map((s) => s.sql)).toEqual([
      'START TRANSACTION;\nINSERT INTO b (y) VALUES (?);\nSELECT 1',
      'COMMIT',
    ]);
  });

  it('rolls back and releases the connection when the script throws', async () => {
    const { driver, sent, conn } = fakePool();
    const run = driver.run(
      (function* (): StatementScript<void> {
        yield statement('SELECT 1', []);
        throw new Error('short of stock');
      })(),
    );
    await expect(run).rejects.toThrow('short of stock');
    expect(sent.map((s) => s.sql)).toEqual(['START TRANSACTION;\nSELECT 1', 'ROLLBACK']);
    expect(conn.released).toBe(1);
    expect(conn.destroyed).toBe(0);
  });

  it('rethrows a driver error as a QueryFailedError with its code, never committing', async () => {
    const { driver, sent } = fakePool((sql) =>
      sql.startsWith('INSERT INTO b') ? mysqlError('ER_LOCK_DEADLOCK') : undefined,
    );
    const run = driver.run(
      (function* (): StatementScript<void> {
        yield statement('SELECT 1', []);
        yield deferred('INSERT INTO b (y) VALUES (?)', ['y']);
      })(),
    );
    await expect(run).rejects.toBeInstanceOf(QueryFailedError);
    await expect(run).rejects.toMatchObject({ driverError: { code: 'ER_LOCK_DEADLOCK' } });
    expect(sent.map((s) => s.sql)).toEqual([
      'START TRANSACTION;\nSELECT 1',
      'INSERT INTO b (y) VALUES (?);\nCOMMIT',
      'ROLLBACK',
    ]);
  });

  it('lets a script put a failed step in its own words, but never carry on after it', async () => {
    const insertFails = () =>
      fakePool((sql) =>
        sql.startsWith('INSERT') ? mysqlError('ER_NO_REFERENCED_ROW_2') : undefined,
      );
    const translated = insertFails();
    const run = translated.driver.run(
      (function* (): StatementScript<void> {
        try {
          yield statement('INSERT INTO a (x) VALUES (?)', [1]);
        } catch {
          throw new Error('customer does not exist');
        }
      })(),
    );
    await expect(run).rejects.toThrow('customer does not exist');

    const swallowed = insertFails();
    const carried = swallowed.driver.run(
      (function* (): StatementScript<string> {
        try {
          yield statement('INSERT INTO a (x) VALUES (?)', [1]);
        } catch {
          yield statement('SELECT 1', []);
        }
        return 'carried on';
      })(),
    );
    await expect(carried).rejects.toMatchObject({
      driverError: { code: 'ER_NO_REFERENCED_ROW_2' },
    });
    expect(swallowed.sent.map((s) => s.sql)).toEqual([
      'START TRANSACTION;\nINSERT INTO a (x) VALUES (?)',
      'ROLLBACK',
    ]);
  });

  it('destroys a connection that cannot roll back instead of returning it to the pool', async () => {
    const { driver, conn } = fakePool((sql) =>
      sql.startsWith('SELECT') || sql === 'ROLLBACK'
        ? mysqlError('PROTOCOL_CONNECTION_LOST')
        : undefined,
    );
    const run = driver.run(
      (function* (): StatementScript<void> {
        yield statement('SELECT 1', []);
      })(),
    );
    await expect(run).rejects.toBeInstanceOf(QueryFailedError);
    expect(conn.destroyed).toBe(1);
    expect(conn.released).toBe(0);
  });

  it('reports an unreachable database as unavailable (503)', async () => {
    const { driver, pool } = fakePool();
    pool.failNext = mysqlError('ECONNREFUSED');
    const run = driver.run(
      (function* (): StatementScript<void> {
        yield statement('SELECT 1', []);
      })(),
    );
    const err: unknown = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryFailedError);
    expect(isUnavailableError(err)).toBe(true);
  });
});

describe('MysqlScriptDriver: the multipleStatements safety rule', () => {
  const HOSTILE = "x'); DROP TABLE orders; -- \\' ?";
  /** Runs the order script against a fake server that knows one product, named `name`. */
  async function sentFor(lines: { productId: number; quantity: number }[], name: string) {
    const { driver, sent } = fakePool((sql) => {
      if (sql.startsWith('UPDATE products')) return { affectedRows: 1, insertId: 0 };
      if (sql.startsWith('SELECT'))
        return lines.map((l) => ({
          customerId: 9,
          customerName: name,
          customerEmail: 'e@example.com',
          id: l.productId,
          name,
          priceCents: 250,
        }));
      if (sql.startsWith('INSERT INTO orders')) return { affectedRows: 1, insertId: 77 };
      return undefined;
    });
    await driver.run(placeOrder(9, lines, new Date(0), '1970-01-01 00:00:00.000', 5));
    return sent;
  }

  it("an order's statement text depends only on its counts, never on a value", async () => {
    const a = await sentFor([{ productId: 1, quantity: 1 }], 'Tea');
    const b = await sentFor([{ productId: 123456, quantity: 99 }], HOSTILE);
    expect(b.map((p) => p.sql)).toEqual(a.map((p) => p.sql));
    expect(b.map((p) => p.sql).join('')).not.toContain('DROP');
    // The values travel as parameters: the hostile name is one, whole.
    expect(b.flatMap((p) => p.params)).toContain(HOSTILE);
    const two = await sentFor(
      [
        { productId: 1, quantity: 1 },
        { productId: 2, quantity: 1 },
      ],
      'Tea',
    );
    expect(two.map((p) => p.sql)).not.toEqual(a.map((p) => p.sql));
  });

  it('mysql2 escapes a string parameter into one literal', () => {
    const sql = format('INSERT INTO t (name) VALUES (?);\nCOMMIT', [HOSTILE]);
    // One literal, its quotes and backslashes escaped: the `;` inside it ends nothing.
    expect(sql).toBe(
      "INSERT INTO t (name) VALUES ('x\\'); DROP TABLE orders; -- \\\\\\' ?');\nCOMMIT",
    );
  });

  it('refuses a statement with its own ";" or with placeholders and parameters that differ', async () => {
    expect(() => assertPacketSafe({ sql: 'SELECT 1; DROP TABLE t', params: [] })).toThrow(/";"/);
    expect(() => assertPacketSafe({ sql: 'SELECT ?', params: [] })).toThrow(/placeholders/);
    expect(() => assertPacketSafe({ sql: 'SELECT ?, ?', params: [1, 2] })).not.toThrow();
    const { driver, sent } = fakePool();
    await expect(
      driver.run(
        (function* (): StatementScript<void> {
          yield statement("UPDATE t SET name = 'a'; DROP TABLE t", []);
        })(),
      ),
    ).rejects.toThrow(/";"/);
    // Nothing but the rollback reached the server.
    expect(sent.map((p) => p.sql)).toEqual(['ROLLBACK']);
  });
});
