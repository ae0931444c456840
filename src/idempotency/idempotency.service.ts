import { Injectable } from '@nestjs/common';
import { conflict, unprocessable } from '../common/errors/domain-error';
import { isDuplicateError } from '../common/errors/problem';
import { statement, step, StatementScript } from '../database/statement-script';
import { TransactionRunner } from '../database/transaction-runner';
import { IdempotencyKey } from './entities/idempotency-key.entity';
import { requestHash } from './request-hash';

export interface IdempotentRequest {
  accountId: number;
  /** The Idempotency-Key header; undefined runs the work once, unprotected. */
  key: string | undefined;
  method: string;
  path: string;
  body: unknown;
}

/**
 * The answer to send: the stored first response of a repeated key (`replayed`), or this
 * request's, with the work's own `value` (which may hold more than the body, such as what
 * an order changed for the cache).
 */
export type IdempotentResult<T = unknown> =
  | { status: number; body: unknown; replayed: true }
  | { status: number; body: unknown; replayed: false; value: T };

type Claim = { kind: 'claimed'; id: number } | { kind: 'replay'; status: number; body: unknown };

/**
 * Idempotency-Key handling for any POST that creates something:
 * - the unique insert of an `in_progress` row (UNIQUE(accountId, key)) is the lock: of
 *   concurrent requests with one key exactly one runs the work;
 * - the work and the `done` record commit in ONE transaction, so a stored key and the
 *   created resource exist together or not at all (also across a crash);
 * - a failed first request deletes its row, so a retry runs again (errors are not stored);
 * - keys live 24 h; expired rows, and `in_progress` rows abandoned for longer than
 *   STALE_MS (a crashed process), are taken over.
 */
@Injectable()
export class IdempotencyService {
  static readonly TTL_MS = 24 * 60 * 60 * 1000;
  static readonly STALE_MS = 60 * 1000;

  constructor(private readonly runner: TransactionRunner) {}

  /**
   * The script `make` builds (a fresh one per attempt) in one transaction
   * (TransactionRunner.runScript), at most once per key: POST /orders and the cart
   * checkout both come this way, so both get group commit and MySQL's packets.
   */
  executeScript<T>(
    req: IdempotentRequest,
    successStatus: number,
    make: () => StatementScript<T>,
    bodyOf: (value: T) => unknown = (value) => value,
  ): Promise<IdempotentResult<T>> {
    return this.once(req, successStatus, (claimId) =>
      this.runner.runScript(function* () {
        const value = yield* make();
        const body = bodyOf(value);
        if (claimId !== undefined) yield* markDone(claimId, successStatus, body);
        return { value, body };
      }),
    );
  }

  /**
   * Claims the key (or replays its stored response), then runs `run` with the claim's id;
   * `run` must record the response in the same transaction as its work (markDone).
   */
  private async once<T>(
    req: IdempotentRequest,
    successStatus: number,
    run: (claimId: number | undefined) => Promise<{ value: T; body: unknown }>,
  ): Promise<IdempotentResult<T>> {
    if (req.key === undefined) {
      return { status: successStatus, ...(await run(undefined)), replayed: false };
    }
    const hash = requestHash(req.method, req.path, req.body);
    const claim = await this.claim(req.accountId, req.key, hash);
    if (claim.kind === 'replay') return { status: claim.status, body: claim.body, replayed: true };
    try {
      return { status: successStatus, ...(await run(claim.id)), replayed: false };
    } catch (err) {
      try {
        await this.release(claim.id);
      } catch {
        // The database is failing already; the row is taken over once it is STALE_MS old.
      }
      throw err;
    }
  }

  private async claim(accountId: number, key: string, hash: string): Promise<Claim> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = Date.now();
      try {
        const id = await this.runner.run(async (em) => {
          const row = em.create(IdempotencyKey, {
            accountId,
            key,
            requestHash: hash,
            status: 'in_progress',
            responseStatus: null,
            responseBody: null,
            createdAt: new Date(now),
            expiresAt: new Date(now + IdempotencyService.TTL_MS),
          });
          return (await em.insert(IdempotencyKey, row)).identifiers[0].id as number;
        });
        return { kind: 'claimed', id };
      } catch (err) {
        if (!isDuplicateError(err)) throw err;
      }
      const row = await this.runner.read((em) =>
        em.findOne(IdempotencyKey, { where: { accountId, key } }),
      );
      if (!row) continue; // released by a failed first request meanwhile: try again
      const abandoned =
        row.status === 'in_progress' && row.createdAt.getTime() < now - IdempotencyService.STALE_MS;
      if (row.expiresAt.getTime() <= now || abandoned) {
        await this.runner.run((em) => em.delete(IdempotencyKey, { id: row.id }));
        continue;
      }
      if (row.requestHash !== hash) {
        throw unprocessable(
          'This Idempotency-Key was already used with a different request; use a new key',
        );
      }
      if (row.status === 'in_progress') throw inProgress();
      return {
        kind: 'replay',
        status: row.responseStatus ?? 200,
        body: row.responseBody === null ? null : (JSON.parse(row.responseBody) as unknown),
      };
    }
    throw inProgress();
  }

  private async release(id: number): Promise<void> {
    await this.runner.run((em) => em.delete(IdempotencyKey, { id, status: 'in_progress' }));
  }
}

function inProgress() {
  return conflict('A request with this Idempotency-Key is still in progress; retry later');
}

/** Records the response with the work, in its transaction. */
function* markDone(claimId: number, status: number, result: unknown): StatementScript<void> {
  const { done } = yield* step({
    done: statement(
      "UPDATE idempotency_keys SET status = 'done', responseStatus = ?, responseBody = ? WHERE id = ? AND status = 'in_progress'",
      [status, JSON.stringify(result), claimId],
    ),
  });
  // Our row was taken over as abandoned: roll back rather than create a second resource.
  if (done.affected !== 1) throw inProgress();
}
