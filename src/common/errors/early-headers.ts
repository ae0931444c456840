import type { FastifyRequest } from 'fastify';

/**
 * Headers a request's answer carries that were decided before its reply was at hand: a
 * refused body's X-RateLimit-* and Retry-After are set while the body parser runs
 * (rate-limit/refused-bodies.ts), and Nest turns the parser's error into an exception of
 * its own on the way to the filter, so they ride with the request, not the error.
 */
const early = new WeakMap<object, Record<string, string>>();

export function setEarlyHeaders(request: FastifyRequest, headers: Record<string, string>): void {
  early.set(request, { ...early.get(request), ...headers });
}

export function earlyHeadersOf(request: FastifyRequest): Record<string, string> | undefined {
  return early.get(request);
}
