import { Logger } from '@nestjs/common';

/** How long Redis is left alone after a failure before one request tries it again. */
export const REDIS_RETRY_AFTER_MS = 1000;
/** The longest a single Redis command may take before the caller gives up on it. */
export const REDIS_COMMAND_TIMEOUT_MS = 100;

/**
 * Tracks whether Redis is usable, shared by the response cache, the account-state cache
 * and the rate limiter. After a failure, callers skip Redis for REDIS_RETRY_AFTER_MS
 * (cache miss, limiter open) instead of each paying the command timeout; then the next
 * call probes it again. One warning per outage, one line when it is back, never one per
 * request.
 */
export class RedisCircuit {
  private readonly logger = new Logger('Redis');
  private degraded = false;
  private retryAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** False while Redis is being left alone after a failure. */
  available(): boolean {
    return !this.degraded || this.now() >= this.retryAt;
  }

  get healthy(): boolean {
    return !this.degraded;
  }

  failed(err: unknown): void {
    this.retryAt = this.now() + REDIS_RETRY_AFTER_MS;
    if (this.degraded) return;
    this.degraded = true;
    const reason = err instanceof Error ? err.message : String(err);
    this.logger.warn(
      `Redis is unavailable (${reason}): serving without cache, rate limits fail open until it is back`,
    );
  }

  succeeded(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.logger.log('Redis is back: cache and shared rate limits resumed');
  }

  /**
   * Runs one Redis call under the circuit: `fallback` when Redis is being skipped or the
   * call fails (the error is recorded, never thrown).
   */
  async run<T>(call: () => Promise<T>, fallback: T): Promise<T> {
    if (!this.available()) return fallback;
    try {
      const result = await call();
      this.succeeded();
      return result;
    } catch (err) {
      this.failed(err);
      return fallback;
    }
  }
}
