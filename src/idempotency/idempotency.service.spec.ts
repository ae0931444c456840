import { QueryFailedError, EntityManager } from 'typeorm';
import { insertIdOf, statement, step, StatementScript } from '../database/statement-script';
import { runScriptAgainst } from '../database/script-test-driver';
import { TransactionRunner } from '../database/transaction-runner';
import { IdempotencyKey } from './entities/idempotency-key.entity';
import { IdempotencyService } from './idempotency.service';
import { canonicalJson, requestHash } from './request-hash';

const duplicate = () => {
  const driverError = Object.assign(new Error('dup'), { code: 'ER_DUP_ENTRY' });
  return new QueryFailedError('INSERT', [], driverError);
};

function setup(existing: Partial<IdempotencyKey> | null, insertFails = existing !== null) {
  const em = {
    insert: jest.fn(async () => {
      if (insertFails) throw duplicate();
      return { identifiers: [{ id: 10 }] };
    }),
    findOne: jest.fn(async () => existing),
    delete: jest.fn(async () => ({ affected: 1 })),
    create: jest.fn((_e: unknown, v: object) => v),
    // Raw statements (the `done` record, a script's own): each changes one row.
    queryRunner: {
      query: jest.fn(async (_sql: string, _params: unknown[], _structured: boolean) => ({
        affected: 1,
        raw: 55,
      })),
    },
  };
  const manager = em as unknown as EntityManager;
  const runner = {
    run: (work: (m: EntityManager) => Promise<unknown>) => work(manager),
    runScript: (make: () => StatementScript<unknown>) =>
      runScriptAgainst(make(), async ({ sql, params }) => {
        const res = await em.queryRunner.query(sql, params, true);
        return { rows: [], affected: res.affected, insertId: insertIdOf(res.raw) };
      }),
    read: (work: (m: EntityManager) => Promise<unknown>) => work(em as unknown as EntityManager),
  } as unknown as TransactionRunner;
  return { svc: new IdempotencyService(runner), em };
}

const req = { accountId: 1, key: 'k', method: 'POST', path: '/orders', body: { items: [1] } };
const hash = requestHash('POST', '/orders', { items: [1] });
const future = new Date(Date.now() + 3600_000);

/** A script of one statement that answers `value` (or throws it, for an Error). */
const answering = (value: unknown) =>
  jest.fn(function* (): StatementScript<unknown> {
    yield* step({ work: statement('INSERT INTO things (x) VALUES (?)', [1]) });
    if (value instanceof Error) throw value;
    return value;
  });

describe('IdempotencyService', () => {
  it('runs the work once and stores the response with it', async () => {
    const { svc, em } = setup(null);
    const work = answering({ id: 7 });
    const res = await svc.executeScript(req, 201, work);
    expect(res).toEqual({ status: 201, body: { id: 7 }, replayed: false, value: { id: 7 } });
    expect(work).toHaveBeenCalledTimes(1);
    expect(em.queryRunner.query).toHaveBeenCalledWith(
      expect.stringMatching(
        /^UPDATE idempotency_keys SET status = 'done'.* WHERE id = \? AND status = 'in_progress'$/,
      ),
      [201, '{"id":7}', 10],
      true,
    );
  });

  it('runs a statement script and records the response in the same script', async () => {
    const { svc, em } = setup(null);
    const res = await svc.executeScript(req, 201, function* (): StatementScript<{
      id: number | undefined;
    }> {
      const [{ insertId }] = yield statement('INSERT INTO things (x) VALUES (?)', [1]);
      return { id: insertId };
    });
    expect(res).toEqual({ status: 201, body: { id: 55 }, replayed: false, value: { id: 55 } });
    expect(em.queryRunner.query.mock.calls.map((c) => c[0].split(' ')[0])).toEqual([
      'INSERT',
      'UPDATE',
    ]);
    expect(em.queryRunner.query.mock.calls[1][1]).toEqual([201, '{"id":55}', 10]);
  });

  it('stores and answers the body of the work value, and hands the whole value back', async () => {
    const { svc, em } = setup(null);
    const work = answering({ order: { id: 7 }, emptied: [3] });
    const res = await svc.executeScript(req, 201, work, (v) => (v as { order: unknown }).order);
    expect(res).toEqual({
      status: 201,
      body: { id: 7 },
      replayed: false,
      value: { order: { id: 7 }, emptied: [3] },
    });
    expect(em.queryRunner.query.mock.calls[1][1]).toEqual([201, '{"id":7}', 10]);
  });

  it('replays a finished request with the same body without running the work', async () => {
    const { svc } = setup({
      id: 3,
      requestHash: hash,
      status: 'done',
      responseStatus: 201,
      responseBody: '{"id":7}',
      createdAt: new Date(),
      expiresAt: future,
    });
    const work = answering({ id: 8 });
    await expect(svc.executeScript(req, 201, work)).resolves.toEqual({
      status: 201,
      body: { id: 7 },
      replayed: true,
    });
    expect(work).not.toHaveBeenCalled();
  });

  it('answers 422 (unprocessable) for the same key with another body', async () => {
    const { svc } = setup({
      id: 3,
      requestHash: 'other',
      status: 'done',
      createdAt: new Date(),
      expiresAt: future,
    });
    await expect(svc.executeScript(req, 201, answering({ id: 8 }))).rejects.toMatchObject({
      code: 'unprocessable',
    });
  });

  it('answers 409 (conflict) while the first request is in progress', async () => {
    const { svc } = setup({
      id: 3,
      requestHash: hash,
      status: 'in_progress',
      createdAt: new Date(),
      expiresAt: future,
    });
    await expect(svc.executeScript(req, 201, answering({ id: 8 }))).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('deletes its in_progress row when the work fails, and rethrows', async () => {
    const { svc, em } = setup(null);
    const boom = new Error('boom');
    await expect(svc.executeScript(req, 201, answering(boom))).rejects.toBe(boom);
    expect(em.delete).toHaveBeenCalledWith(IdempotencyKey, { id: 10, status: 'in_progress' });
  });

  it('rolls back when its row was taken over meanwhile', async () => {
    const { svc, em } = setup(null);
    // The work's statement, then the `done` record that finds the row gone.
    em.queryRunner.query
      .mockResolvedValueOnce({ affected: 1, raw: 1 })
      .mockResolvedValueOnce({ affected: 0, raw: 0 });
    await expect(svc.executeScript(req, 201, answering({ id: 1 }))).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('runs without storage when no key is given', async () => {
    const { svc, em } = setup(null);
    await svc.executeScript({ ...req, key: undefined }, 201, answering({ id: 1 }));
    expect(em.insert).not.toHaveBeenCalled();
  });

  it('hashes bodies canonically', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
    expect(requestHash('POST', '/orders', { a: 1, b: 2 })).toBe(
      requestHash('post', '/orders', { b: 2, a: 1 }),
    );
    expect(requestHash('POST', '/orders', {})).not.toBe(requestHash('POST', '/cart/checkout', {}));
  });
});
