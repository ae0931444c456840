import type { FastifyReply } from 'fastify';
import { IdempotentResult } from './idempotency.service';

/** Applies an idempotent outcome to the reply: its status, and a marker header on a replay. */
export function replyIdempotent<T>(reply: FastifyReply, result: IdempotentResult): T {
  void reply.status(result.status);
  if (result.replayed) void reply.header('Idempotent-Replayed', 'true');
  return result.body as T;
}
