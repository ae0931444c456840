import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { invalid } from '../common/errors/domain-error';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
const KEY_RE = /^[\x20-\x7e]{1,255}$/;

/** The validated Idempotency-Key header, or undefined when absent (400 when malformed). */
export const IdempotencyKeyHeader = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string | undefined => {
    const raw = ctx.switchToHttp().getRequest<FastifyRequest>().headers['idempotency-key'];
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string' || !KEY_RE.test(raw)) {
      const message = 'Idempotency-Key must be 1..255 printable ASCII characters';
      throw invalid(message, [{ field: IDEMPOTENCY_HEADER, message }]);
    }
    return raw;
  },
);

/** OpenAPI: declares the optional header. */
export const ApiIdempotencyKey = () =>
  applyDecorators(
    ApiHeader({
      name: IDEMPOTENCY_HEADER,
      required: false,
      description:
        'Makes the request safe to retry for 24 h: the same key with the same body returns the ' +
        'first response; with another body 422; while the first is still running 409.',
      schema: { type: 'string', minLength: 1, maxLength: 255, example: 'c0ffee-42' },
    }),
  );
