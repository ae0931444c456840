import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { statement, StatementScript } from './statement-script';
import { TransactionRunner } from './transaction-runner';

function runnerWith(type: string, transaction: jest.Mock) {
  const shared = { query: jest.fn() };
  const ds = {
    options: { type },
    transaction,
    manager: {},
    createQueryRunner: () => shared,
  } as unknown as DataSource;
  return new TransactionRunner(ds);
}

describe('TransactionRunner', () => {
  it('serialises transactions on better-sqlite3', async () => {
    const log: string[] = [];
    const transaction = jest.fn(async (work: (em: EntityManager) => Promise<unknown>) =>
      work({} as EntityManager),
    );
    const runner = runnerWith('better-sqlite3', transaction);
    const job = (name: string) => async () => {
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`end ${name}`);
    };
    await Promise.all([runner.run(job('a')), runner.run(job('b'))]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('keeps the chain alive after a failing holder', async () => {
    const transaction = jest.fn(async (work: (em: EntityManager) => Promise<unknown>) =>
      work({} as EntityManager),
    );
    const runner = runnerWith('better-sqlite3', transaction);
    const failed = runner.run(async () => Promise.reject(new Error('x')));
    const ok = runner.run(async () => 'ok');
    await expect(failed).rejects.toThrow('x');
    await expect(ok).resolves.toBe('ok');
  });

  it('runs MySQL transactions concurrently', async () => {
    let inFlight = 0;
    let peak = 0;
    const transaction = jest.fn(async (work: (em: EntityManager) => Promise<unknown>) =>
      work({} as EntityManager),
    );
    const runner = runnerWith('mysql', transaction);
    const job = async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
    };
    await Promise.all([runner.run(job), runner.run(job)]);
    expect(peak).toBe(2);
  });

  it('retries deadlocks a bounded number of times, then answers unavailable', async () => {
    const deadlock = Object.assign(new Error('deadlock'), { code: 'ER_LOCK_DEADLOCK' });
    const transaction = jest.fn(async () => Promise.reject(deadlock));
    const runner = runnerWith('mysql', transaction);
    await expect(runner.run(async () => 1)).rejects.toMatchObject({ code: 'unavailable' });
    expect(transaction).toHaveBeenCalledTimes(TransactionRunner.ATTEMPTS);
  });

  it('succeeds when a retry gets through, and does not retry other errors', async () => {
    const busy = Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' });
    const transaction = jest
      .fn()
      .mockRejectedValueOnce(busy)
      .mockImplementation(async (work: (em: EntityManager) => Promise<unknown>) =>
        work({} as EntityManager),
      );
    const runner = runnerWith('better-sqlite3', transaction);
    await expect(runner.run(async () => 'done')).resolves.toBe('done');
    const other = jest.fn(async () => Promise.reject(new Error('bad')));
    await expect(runnerWith('mysql', other).run(async () => 1)).rejects.toThrow('bad');
    expect(other).toHaveBeenCalledTimes(1);
  });

  describe('on a real SQLite database', () => {
    let ds: DataSource;
    let runner: TransactionRunner;
    beforeEach(async () => {
      ds = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
      await ds.initialize();
      await ds.query('CREATE TABLE t (v TEXT)');
      runner = new TransactionRunner(ds);
    });
    afterEach(async () => ds.destroy());

    /** A transaction that inserts `v`, stays open 20 ms and rolls back; resolves once it is open. */
    async function openThenRollBack(v: string): Promise<{ tx: Promise<unknown> }> {
      const tx = runner.run(async (em) => {
        await em.query('INSERT INTO t VALUES (?)', [v]);
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('rolled back');
      });
      await new Promise((r) => setTimeout(r, 5));
      // Wrapped: an async function returning the promise itself would wait for it.
      return { tx };
    }

    it("keeps a statement issued outside out of another request's transaction", async () => {
      const { tx } = await openThenRollBack('in-tx');
      // Issued while the transaction above is open: it must not share its fate.
      const outside = ds.query("INSERT INTO t VALUES ('outside')");
      await expect(tx).rejects.toThrow('rolled back');
      await outside;
      expect(await ds.query('SELECT v FROM t')).toEqual([{ v: 'outside' }]);
    });

    it("does not let an outside read see another request's uncommitted row", async () => {
      let seen: unknown;
      const { tx } = await openThenRollBack('pending');
      const read = ds.query('SELECT COUNT(*) AS n FROM t').then((rows) => (seen = rows));
      await expect(tx).rejects.toThrow();
      await read;
      expect(seen).toEqual([{ n: 0 }]);
    });

    const insert = (v: string) => statement('INSERT INTO t (v) VALUES (?)', [v]);

    it('runs a statement script in one transaction and returns its result', async () => {
      const result = await runner.runScript(function* () {
        const [a] = yield insert('a');
        yield insert('b');
        const [{ rows }] = yield statement('SELECT COUNT(*) AS n FROM t', []);
        return { firstId: a.insertId, affected: a.affected, seen: rows };
      });
      expect(result).toEqual({ firstId: 1, affected: 1, seen: [{ n: 2 }] });
      expect(await ds.query('SELECT v FROM t ORDER BY v')).toEqual([{ v: 'a' }, { v: 'b' }]);
    });

    it('rolls a script back entirely when it throws, with driver errors as QueryFailedError', async () => {
      const failed = runner.runScript(function* () {
        yield insert('kept?');
        yield statement('INSERT INTO missing_table (v) VALUES (?)', ['x']);
        return 'unreachable';
      });
      await expect(failed).rejects.toBeInstanceOf(QueryFailedError);
      const domain = runner.runScript(function* () {
        yield insert('kept?');
        throw new Error('rule broken');
      });
      await expect(domain).rejects.toThrow('rule broken');
      expect(await ds.query('SELECT v FROM t')).toEqual([]);
    });

    it('commits scripts handed in together in order, each rolled back alone when it throws', async () => {
      const ids = ['a', 'b', 'c'].map((v) =>
        runner.runScript(function* (): StatementScript<unknown> {
          yield insert(v);
          if (v === 'b') throw new Error('b broke a rule');
          const [{ rows }] = yield statement('SELECT group_concat(v) AS seen FROM t', []);
          return rows[0].seen;
        }),
      );
      await expect(ids[0]).resolves.toBe('a');
      await expect(ids[1]).rejects.toThrow('b broke a rule');
      // c ran after b's savepoint was rolled back: it never saw b's row.
      await expect(ids[2]).resolves.toBe('a,c');
      expect(await ds.query('SELECT v FROM t ORDER BY v')).toEqual([{ v: 'a' }, { v: 'c' }]);
    });

    it('never joins a transaction it did not open: every script of the commit is rejected', async () => {
      // A transaction left open on the connection outside the runner.
      await ds.query('BEGIN');
      const both = [insert('x'), insert('y')].map((stmt) =>
        runner.runScript(function* () {
          yield stmt;
        }),
      );
      for (const p of both) await expect(p).rejects.toThrow(/did not open/);
      await ds.query('ROLLBACK');
      expect(await ds.query('SELECT v FROM t')).toEqual([]);
    });

    it('waits for a transaction that is open, instead of joining it', async () => {
      const { tx } = await openThenRollBack('in-tx');
      const script = runner.runScript(function* () {
        yield insert('script');
        return 'done';
      });
      await expect(tx).rejects.toThrow('rolled back');
      await expect(script).resolves.toBe('done');
      expect(await ds.query('SELECT v FROM t')).toEqual([{ v: 'script' }]);
    });
  });
});
