import { MethodNotAllowedException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendProblem } from './send-problem';

/**
 * The methods Fastify's router would route for this request's URL: asked of the router
 * itself (findRoute matches a concrete URL as a request would), so it agrees with routing,
 * HEAD for every GET included, for every route added now or later.
 */
export function allowedMethods(fastify: FastifyInstance, url: string): string[] {
  return fastify.supportedMethods.filter((method) => fastify.findRoute({ method, url }) !== null);
}

/**
 * A method a path does not have is 405 with an `Allow` header listing the methods it has
 * (RFC 9110 15.5.6), not 404; an unknown path stays 404 (Nest's not-found handler). Runs in
 * `onRequest` of Fastify's not-found route, so nothing else (auth, rate limit) runs first,
 * as for any request with no route.
 */
export function answerMethodNotAllowed(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply, done) => {
    if (!request.is404) return done();
    const allowed = allowedMethods(fastify, request.url);
    if (allowed.length === 0) return done();
    void reply.header('Allow', allowed.join(', '));
    sendProblem(
      new MethodNotAllowedException(
        `${request.method} is not allowed here; allowed: ${allowed.join(', ')}`,
      ),
      request,
      reply,
    );
  });
}
