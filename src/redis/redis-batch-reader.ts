import type Redis from 'ioredis';

interface Batch {
  keys: string[];
  /** Each key's place in `keys`: a key asked for twice in one batch is read once. */
  index: Map<string, number>;
  waiters: {
    at: number[];
    resolve(values: (string | null)[]): void;
    reject(err: unknown): void;
  }[];
}

/** One reader per client: every caller's reads of one turn share one MGET. */
const readers = new WeakMap<Redis, RedisBatchReader>();

/**
 * Reads issued while the event loop handles one batch of I/O leave as one MGET, whoever
 * issues them: under load a cached read asks Redis for its tags (RedisTagStore) and then
 * for its account and session state (RedisKeyvStore), and fifty requests in flight would
 * be a hundred commands. One command for all of them costs Redis and the client far less
 * (docs/benchmarks.md, "Redis reads in one command"). It is as fresh as separate GETs: only
 * reads wait, and a read still goes out after every write that completed before it was
 * issued (one connection, commands in order).
 */
export class RedisBatchReader {
  private batch: Batch | undefined;

  private constructor(private readonly client: Redis) {}

  static of(client: Redis): RedisBatchReader {
    let reader = readers.get(client);
    if (!reader) {
      reader = new RedisBatchReader(client);
      readers.set(client, reader);
    }
    return reader;
  }

  /** The values of `keys`, in order (null for a missing key). */
  read(keys: readonly string[]): Promise<(string | null)[]> {
    let batch = this.batch;
    if (!batch) {
      const fresh: Batch = { keys: [], index: new Map(), waiters: [] };
      batch = this.batch = fresh;
      setImmediate(() => this.flush(fresh));
    }
    const at = keys.map((key) => {
      let i = batch.index.get(key);
      if (i === undefined) {
        i = batch.keys.push(key) - 1;
        batch.index.set(key, i);
      }
      return i;
    });
    return new Promise((resolve, reject) => batch.waiters.push({ at, resolve, reject }));
  }

  private flush(batch: Batch): void {
    this.batch = undefined;
    this.client.mget(...batch.keys).then(
      (values) => {
        for (const w of batch.waiters) w.resolve(w.at.map((i) => values[i] ?? null));
      },
      (err: unknown) => {
        for (const w of batch.waiters) w.reject(err);
      },
    );
  }
}
