import { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error';
import { earlyHeadersOf } from '../errors/early-headers';
import { toProblem } from '../errors/problem';

/** Shared by the Nest filter and Fastify's own error handler (body parsing runs before Nest). */
export function sendProblem(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const instance = (request.url ?? '').split('?')[0];
  const { problem, unexpected } = toProblem(err, instance);
  if (unexpected) {
    request.log.error({ err, reqId: request.id }, 'unexpected error');
  } else if (problem.status === 503) {
    request.log.warn(
      { reqId: request.id, cause: (err as Error)?.message },
      'dependency unavailable',
    );
  }
  if (reply.sent) return;
  const early = earlyHeadersOf(request);
  if (early) void reply.headers(early);
  if (problem.status === 401) reply.header('WWW-Authenticate', 'Bearer');
  if (err instanceof DomainError && err.retryAfterSeconds !== undefined) {
    reply.header('Retry-After', String(err.retryAfterSeconds));
  }
  void reply.status(problem.status).type('application/problem+json').send(problem);
}
