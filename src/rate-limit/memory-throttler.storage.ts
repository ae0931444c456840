import { ThrottlerStorage } from '@nestjs/throttler';
import { LRUCache } from 'lru-cache';

export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Window {
  hits: number;
  resetAt: number;
}

export const DEFAULT_MAX_KEYS = 100_000;

/**
 * Fixed-window counters in memory: one number and one deadline per key, so a request
 * costs O(1) whatever the window length (the library's default storage keeps, and scans,
 * one timestamp per hit). Memory is bounded: at most `maxKeys` counters, the least
 * recently used one is dropped first (an expired window is never touched again, so it goes
 * first). A dropped live counter restarts at zero: under a flood of distinct clients the
 * limiter errs on letting requests through rather than growing without bound.
 *
 * The window is fixed: once `limit` is passed, the key stays blocked until its window ends.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage {
  private readonly windows: LRUCache<string, Window>;

  constructor(
    maxKeys = DEFAULT_MAX_KEYS,
    private readonly now: () => number = Date.now,
  ) {
    this.windows = new LRUCache<string, Window>({ max: maxKeys });
  }

  get size(): number {
    return this.windows.size;
  }

  increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { hits: 0, resetAt: now + ttl };
      this.windows.set(key, window);
    }
    window.hits += 1;
    return Promise.resolve(toRecord(window.hits, window.resetAt - now, limit));
  }
}

/** The record the guard expects; times in whole seconds, rounded up. */
export function toRecord(hits: number, msLeft: number, limit: number): ThrottlerStorageRecord {
  const seconds = Math.max(1, Math.ceil(msLeft / 1000));
  const isBlocked = hits > limit;
  return {
    totalHits: hits,
    timeToExpire: seconds,
    isBlocked,
    timeToBlockExpire: isBlocked ? seconds : 0,
  };
}
