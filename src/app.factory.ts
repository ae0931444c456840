import { Type } from '@nestjs/common';
import { DiscoveryService, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { AppModule } from './app.module';
import { assertFastPathPipeline, globalGuardsOf } from './app.pipeline';
import { TokenService } from './auth/token.service';
import { nestRouteOf, tagNestRoutes } from './http-cache/cache-route';
import { HttpCacheFastPath } from './http-cache/http-cache.fast-path';
import { registerJsonBodyParser } from './common/json-body';
import { createValidationPipe } from './common/validation';
import { appConfig, AppConfig } from './config/app.config';
import { problemClientErrorHandler } from './common/filters/client-error';
import { enforceBodyDeadline } from './common/filters/request-timeout';
import { sendProblem } from './common/filters/send-problem';
import { answerMethodNotAllowed } from './common/filters/method-not-allowed';
import { lazyChildLogger } from './logging/lazy-request-logger';
import { buildOpenApiDocument } from './openapi';
import { AppThrottlerGuard } from './rate-limit/app-throttler.guard';
import { RefusedBodies } from './rate-limit/refused-bodies';
import { ConnectionDrain } from './shutdown/connection-drain';
import { ShutdownState } from './shutdown/shutdown-state';

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;
const BODY_LIMIT = 1024 * 1024;

export interface CreateAppOptions {
  /** Skip Swagger UI (the export script builds the document itself). */
  docs?: boolean;
  logger?: boolean;
}

/**
 * Everything main.ts and the e2e tests share: adapter, prefix, pipes, filters, headers,
 * request ids, docs. Tests therefore exercise the very app that ships.
 */
export async function createApp(options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  // Read here, before Nest starts, because Fastify's own options are fixed at construction.
  const cfg = appConfig();
  const adapter = new FastifyAdapter({
    trustProxy: cfg.trustProxy,
    bodyLimit: BODY_LIMIT,
    // A request whose head has not arrived by then is 408 and its connection closed
    // (client-error.ts; the body: request-timeout.ts): a trickling client holds no socket and
    // buffer for ever. Node looks for late requests every connectionsCheckingInterval: 1 s
    // here (30 s by default, which would let a 1 s timeout run to 30 s).
    requestTimeout: cfg.requestTimeoutSeconds * 1000,
    http: { connectionsCheckingInterval: Math.min(1000, cfg.requestTimeoutSeconds * 1000) },
    requestIdHeader: false,
    // A request that reaches the router while the server closes was sent on a connection
    // accepted before the listener closed (see ConnectionDrain): it is served, with
    // `Connection: close`, not refused with Fastify's plain 503.
    return503OnClosing: false,
    // Errors Fastify's router answers itself (a path parameter over 100 characters, a bad
    // percent-encoding) leave as problem+json too, not as Fastify's own JSON.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
      sendProblem(error, request, reply),
    clientErrorHandler: problemClientErrorHandler,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID();
    },
    // request.log is made when a line is logged, not for every request (lazy-request-logger.ts).
    childLoggerFactory: lazyChildLogger,
    logger:
      options.logger === false || cfg.logLevel === 'silent'
        ? false
        : {
            level: cfg.logLevel,
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers.cookie',
                '*.password',
                '*.refreshToken',
                '*.passwordHash',
                '*.authorization',
              ],
              censor: '[redacted]',
            },
          },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, {
    logger: options.logger === false ? false : logLevels(cfg),
    bufferLogs: false,
    // Nest would add a form-encoded parser next to its JSON one: configureApp registers the
    // only parser, JSON.
    bodyParser: false,
  });
  configureApp(app);
  enforceBodyDeadline(app.getHttpAdapter().getInstance(), cfg.requestTimeoutSeconds * 1000);
  if (options.docs !== false) {
    const document = buildOpenApiDocument(app);
    SwaggerModule.setup('docs', app, document, {
      jsonDocumentUrl: 'docs-json',
      yamlDocumentUrl: 'docs-yaml',
      swaggerOptions: { persistAuthorization: true },
    });
  }
  return app;
}

function logLevels(cfg: AppConfig) {
  switch (cfg.logLevel) {
    case 'silent':
      return false as const;
    case 'fatal':
    case 'error':
      return ['fatal', 'error'] as ('fatal' | 'error')[];
    case 'warn':
      return ['fatal', 'error', 'warn'] as ('fatal' | 'error' | 'warn')[];
    default:
      return ['fatal', 'error', 'warn', 'log'] as ('fatal' | 'error' | 'warn' | 'log')[];
  }
}

export function configureApp(app: NestFastifyApplication): void {
  app.setGlobalPrefix('api/v1', { exclude: ['docs', 'docs-json', 'docs-yaml'] });
  // The global pipeline is listed in app.pipeline.ts.
  app.useGlobalPipes(createValidationPipe());
  // Signals are main.ts's (closeOnSignals): a drain first, then app.close().
  const fastify = app.getHttpAdapter().getInstance();
  const shutdown = app.get(ShutdownState);
  const drain = new ConnectionDrain(fastify.server);
  fastify.addHook('preClose', () => drain.stopAccepting());
  // JSON only: text/plain, form-encoded or any other body is 415, not handed to validation.
  // A refused body counts against its client's rate limit like any request (never reaching
  // Nest, it would otherwise never be counted).
  const refusedBodies = new RefusedBodies(app.get(AppThrottlerGuard));
  registerJsonBodyParser(fastify, BODY_LIMIT, (request, err) =>
    refusedBodies.answer(request, nestRouteOf(request), err),
  );
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    reply.header('X-Content-Type-Options', 'nosniff');
    if (request.headers.authorization) reply.header('Cache-Control', 'private, no-store');
    // Draining: each client's next request opens a new connection, which the load
    // balancer sends elsewhere once it sees readiness 503.
    if (shutdown.draining) reply.header('Connection', 'close');
    done();
  });
  // After the hook above, so a 405 carries the same headers as every other answer.
  answerMethodNotAllowed(fastify);
  // After the hook above: cache hits leave with the same headers as every other answer.
  // Before init registers the routes: Fastify's hooks then know each request's Nest route.
  tagNestRoutes(
    app
      .get(DiscoveryService)
      .getControllers()
      .map((wrapper) => wrapper.metatype as Type<unknown>),
  );
  const tokens = app.get(TokenService);
  // The fast path runs Nest's own global guards: first check they are app.pipeline.ts's.
  assertFastPathPipeline(app);
  app.get(HttpCacheFastPath).register(fastify, {
    guards: globalGuardsOf(app),
    accountOf: (request) => tokens.accountOf(request.headers.authorization),
  });
}
