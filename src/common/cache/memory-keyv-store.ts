import { LRUCache } from 'lru-cache';

/**
 * The in-memory Keyv store: an LRU bounded to `max` entries and about `maxBytes`. An adapter rather than the
 * LRUCache itself, because Keyv calls `set(key, value, ttlMs)` and LRUCache's third
 * argument is an options object (given a number it throws, and Keyv swallows the error:
 * nothing would ever be cached).
 */
export class MemoryKeyvStore {
  namespace?: string;
  private readonly lru: LRUCache<string, string>;

  constructor(max = 50_000, maxBytes = 64 * 1024 * 1024) {
    // Bounded by count and by size: 50,000 large list pages would otherwise be gigabytes.
    this.lru = new LRUCache<string, string>({
      max,
      maxSize: maxBytes,
      sizeCalculation: (value, key) => value.length + key.length,
    });
  }

  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.lru.get(key));
  }

  set(key: string, value: string, ttl?: number): Promise<boolean> {
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
