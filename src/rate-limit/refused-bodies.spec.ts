import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { earlyHeadersOf } from '../common/errors/early-headers';
import { RefusedBodies, type RouteOf } from './refused-bodies';

class Controller {
  handler(): void {}
}
const route: RouteOf = { classRef: Controller, handler: Controller.prototype.handler };
const refusal = new Error('The body is nested deeper than 32 levels');
const request = () => ({ headers: {} }) as unknown as FastifyRequest;

/** A guard that sets the limit headers on the reply it is given, then passes or throws. */
function guard(
  outcome: 'pass' | 'limited' | 'storage down',
): CanActivate & { seen: ExecutionContext[] } {
  const seen: ExecutionContext[] = [];
  return {
    seen,
    canActivate(context: ExecutionContext) {
      seen.push(context);
      const reply = context
        .switchToHttp()
        .getResponse<{ header(n: string, v: unknown): unknown }>();
      reply.header('X-RateLimit-Remaining', 0);
      if (outcome === 'limited') {
        reply.header('Retry-After', 42);
        return Promise.reject(new ThrottlerException('Too many requests'));
      }
      if (outcome === 'storage down') return Promise.reject(new Error('redis timeout'));
      return Promise.resolve(true);
    },
  };
}

describe('RefusedBodies', () => {
  it('counts the refused body through the guard with the route and request, and keeps the refusal', async () => {
    const g = guard('pass');
    const req = request();
    await expect(new RefusedBodies(g, 10).answer(req, route, refusal)).resolves.toBe(refusal);
    expect(g.seen).toHaveLength(1);
    expect(g.seen[0].getClass()).toBe(Controller);
    expect(g.seen[0].getHandler()).toBe(Controller.prototype.handler);
    expect(g.seen[0].switchToHttp().getRequest()).toBe(req);
    expect(earlyHeadersOf(req)).toEqual({ 'X-RateLimit-Remaining': '0' });
  });

  it('answers a client over its limit with the 429, late, with Retry-After', async () => {
    const req = request();
    const started = performance.now();
    const answer = await new RefusedBodies(guard('limited'), 60).answer(req, route, refusal);
    expect(answer).toBeInstanceOf(ThrottlerException);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(earlyHeadersOf(req)).toEqual({ 'X-RateLimit-Remaining': '0', 'Retry-After': '42' });
  });

  it('answers at once once maxDelayed answers are waiting', async () => {
    const bodies = new RefusedBodies(guard('limited'), 400, 1);
    const first = bodies.answer(request(), route, refusal);
    const started = performance.now();
    await expect(bodies.answer(request(), route, refusal)).resolves.toBeInstanceOf(
      ThrottlerException,
    );
    expect(performance.now() - started).toBeLessThan(200);
    await expect(first).resolves.toBeInstanceOf(ThrottlerException);
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('keeps the refusal when the storage fails, and when the request has no Nest route', async () => {
    await expect(
      new RefusedBodies(guard('storage down'), 10).answer(request(), route, refusal),
    ).resolves.toBe(refusal);
    const g = guard('limited');
    await expect(new RefusedBodies(g, 10).answer(request(), undefined, refusal)).resolves.toBe(
      refusal,
    );
    expect(g.seen).toHaveLength(0);
  });
});
