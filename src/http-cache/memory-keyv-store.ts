import { LRUCache } from 'lru-cache';

/**
 * The in-memory Keyv store: an LRU bounded to `max` entries and about `maxBytes`. An adapter rather than the
 * LRUCache itself, because Keyv calls `set(key, value, ttlMs)` and LRUCache's third
 * argument is an options object (given a number it throws, and Keyv swallows the error:
 * nothing would ever be cached).
 */
/**
 * Keyv hands this store either serialised strings or, with serialisation off (how the app
 * uses it), `{ value, expires }` objects. Response bodies are cached as JSON text, so the
 * text's length is the size that matters; small objects (auth state, versions) count a flat 256.
 */
function sizeOf(entry: unknown): number {
  if (typeof entry === 'string') return entry.length || 1;
  const value = (entry as { value?: unknown } | null)?.value;
  if (typeof value === 'string') return value.length || 1;
  const text = (value as { text?: unknown } | null)?.text;
  return typeof text === 'string' ? text.length + 64 : 256;
}

export class MemoryKeyvStore {
  namespace?: string;
  private readonly lru: LRUCache<string, object | string>;

  constructor(max = 50_000, maxBytes = 64 * 1024 * 1024) {
    // Bounded by count and by size: 50,000 large list pages would otherwise be gigabytes.
    this.lru = new LRUCache<string, object | string>({
      max,
      maxSize: maxBytes,
      sizeCalculation: (value, key) => sizeOf(value) + key.length,
    });
  }

  get(key: string): Promise<unknown> {
    return Promise.resolve(this.lru.get(key));
  }

  /** Keyv reads several keys (the JWT guard's account and session) in one call. */
  getMany(keys: string[]): Promise<unknown[]> {
    return Promise.resolve(keys.map((key) => this.lru.get(key)));
  }

  set(key: string, value: object | string, ttl?: number): Promise<boolean> {
    this.lru.set(key, value, typeof ttl === 'number' && ttl > 0 ? { ttl } : undefined);
    return Promise.resolve(true);
  }

  delete(key: string): Promise<boolean> {
    return Promise.resolve(this.lru.delete(key));
  }

  clear(): Promise<void> {
    this.lru.clear();
    return Promise.resolve();
  }
}
