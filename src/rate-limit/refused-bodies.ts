import type { CanActivate, Type } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { setEarlyHeaders } from '../common/errors/early-headers';
import { ExecutionContextHost } from '../fences/nest.fence';

/**
 * How long a client that is over its limit waits for the 429 of each further refused body
 * (its connection held unread meanwhile). A client that sends the next body the moment the
 * last is answered then sends one a second instead of hundreds: on a 2-core machine such a
 * loop took 28-41% of the reads' throughput at its full pace, mostly in the sender's own
 * CPU and the server's per-connection work (docs/benchmarks.md, "Hostile bodies").
 */
export const OVER_LIMIT_DELAY_MS = 1000;
/** At most this many such answers wait at once; further ones are answered at once. */
export const MAX_DELAYED = 256;

/** A route's controller class and handler, as Nest's ExecutionContext names them. */
export interface RouteOf {
  classRef: Type<unknown>;
  handler: ReturnType<ExecutionContextHost['getHandler']>;
}

/**
 * Counts a body the JSON parser refused (over a shape or size limit, not JSON) against its
 * client's rate limits for its route, as the request would have been counted had it reached
 * the rate-limit guard: a refused body never reaches Nest, so without this a client could
 * send refused bodies without end and never be limited (DESIGN: the limit holds on every
 * endpoint). It runs the app's own rate-limit guard (AppThrottlerGuard) with the very
 * ExecutionContext Nest builds, so the keys, trackers (the account of a valid token, else
 * the address; the login limit's bucket of address and no username) and limits are the
 * guard's; the X-RateLimit-* headers it sets travel on the answer.
 *
 * The answer is the refusal (400, 413), or, once the client is over a limit, the guard's
 * 429 with Retry-After, sent OVER_LIMIT_DELAY_MS late.
 */
export class RefusedBodies {
  private delayed = 0;

  constructor(
    private readonly guard: CanActivate,
    private readonly delayMs = OVER_LIMIT_DELAY_MS,
    private readonly maxDelayed = MAX_DELAYED,
  ) {}

  /** The error to answer a refused body with; never throws. */
  async answer(
    request: FastifyRequest,
    route: RouteOf | undefined,
    refusal: Error,
  ): Promise<Error> {
    if (!route) return refusal;
    const headers: Record<string, string> = {};
    const reply = {
      header(name: string, value: unknown) {
        headers[name] = String(value);
        return reply;
      },
    };
    const context = new ExecutionContextHost([request, reply], route.classRef, route.handler);
    try {
      await this.guard.canActivate(context);
      return refusal;
    } catch (err) {
      // The storage failing (it gives up within a bounded time) leaves the refusal as it is.
      if (!(err instanceof ThrottlerException)) return refusal;
      if (this.delayed < this.maxDelayed) {
        this.delayed++;
        try {
          await sleep(this.delayMs, undefined, { ref: false });
        } finally {
          this.delayed--;
        }
      }
      return err;
    } finally {
      setEarlyHeaders(request, headers);
    }
  }
}
