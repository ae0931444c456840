import type Redis from 'ioredis';
import { LRUCache } from 'lru-cache';
import { RedisBatchReader } from '../redis/redis-batch-reader';
import { RedisCircuit } from '../redis/redis-circuit';

/**
 * Write sequence numbers per tag. A write, after its commit, takes the next number of one
 * global sequence and stamps every tag it changed with it. An answer keeps the sequence
 * as it was *before* its handler read the database (`snapshot`) and is served while every
 * tag it shows has a stamp no later than that (`unchanged`). A write whose commit the read
 * did not see is stamped after the snapshot was taken, so with a larger number: its tags
 * refuse the answer. Numbers, not clocks: instances need not agree on the time.
 */
export const TAG_STORE = Symbol('TAG_STORE');

export interface TagStore {
  snapshot(): Promise<number | undefined>;
  unchanged(tags: readonly string[], since: number): Promise<boolean>;
  stamp(tags: readonly string[]): Promise<void>;
}

/** In-process: one instance, no Redis. Bounded; a tag dropped raises the floor. */
export class MemoryTagStore implements TagStore {
  private seq = 0;
  /** Every tag dropped from the map had a stamp no later than this. */
  private floor = 0;
  private readonly stamps = new LRUCache<string, number>({
    max: 200_000,
    // Only a tag pushed out counts (a stamp replacing a stamp is disposed too).
    dispose: (value, _tag, reason) => {
      if (reason === 'evict' && value > this.floor) this.floor = value;
    },
  });

  snapshot(): Promise<number> {
    return Promise.resolve(this.seq);
  }

  unchanged(tags: readonly string[], since: number): Promise<boolean> {
    if (this.floor > since) return Promise.resolve(false);
    for (const tag of tags) {
      if ((this.stamps.get(tag) ?? 0) > since) return Promise.resolve(false);
    }
    return Promise.resolve(true);
  }

  stamp(tags: readonly string[]): Promise<void> {
    const seq = ++this.seq;
    for (const tag of tags) this.stamps.set(tag, seq);
    return Promise.resolve();
  }
}

const SEQ_KEY = 'cache-seq';
const tagKey = (tag: string) => `cache-tag:${tag}`;
const MAX_PENDING = 10_000;
/** Checked with every answer: stamped when more stamps were lost than could be kept. */
const EVERYTHING = '*';

/**
 * One atomic step: the next sequence number and every tag stamped with it. A sequence
 * that is missing (Redis restarted empty) starts again from the time in ms, above any
 * number it had unless writes outran a thousand a second since it last started.
 */
const STAMP_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[2]) end
local seq = redis.call('INCR', KEYS[1])
for i = 2, #KEYS do redis.call('SET', KEYS[i], seq, 'PX', ARGV[1]) end
return seq`;

/**
 * In Redis, shared by every instance. Tags live longer than any cached answer (their TTL
 * is twice the answer's), so a tag that expired has no answer left that it could refuse.
 * Stamps that could not reach Redis are replayed before the next check once it answers
 * again, and until then nothing is served from the cache.
 */
export class RedisTagStore implements TagStore {
  private readonly pending = new Set<string>();
  private readonly reader: RedisBatchReader;

  constructor(
    private readonly client: Redis,
    private readonly circuit: RedisCircuit,
    private readonly tagTtlMs: number,
  ) {
    this.reader = RedisBatchReader.of(client);
  }

  async snapshot(): Promise<number | undefined> {
    return this.circuit.run(async () => {
      await this.replay();
      const value = await this.client.get(SEQ_KEY);
      return value === null ? 0 : Number(value);
    }, undefined);
  }

  async unchanged(tags: readonly string[], since: number): Promise<boolean> {
    return this.circuit.run(async () => {
      await this.replay();
      // With every other read of this turn, in one MGET (RedisBatchReader).
      const values = await this.reader.read([SEQ_KEY, tagKey(EVERYTHING), ...tags.map(tagKey)]);
      // The sequence went back (Redis restarted empty): nothing earlier can be trusted.
      if (Number(values[0] ?? 0) < since) return false;
      for (let i = 1; i < values.length; i++) {
        const value = values[i];
        if (value !== null && Number(value) > since) return false;
      }
      return true;
    }, false);
  }

  async stamp(tags: readonly string[]): Promise<void> {
    if (tags.length === 0) return;
    const done = await this.circuit.run(async () => {
      await this.send(tags);
      return true;
    }, false);
    if (!done) this.remember(tags);
  }

  private async send(tags: readonly string[]): Promise<void> {
    await this.client.eval(
      STAMP_SCRIPT,
      tags.length + 1,
      SEQ_KEY,
      ...tags.map(tagKey),
      String(this.tagTtlMs),
      String(Date.now()),
    );
  }

  private remember(tags: readonly string[]): void {
    for (const tag of tags) this.pending.add(tag);
    // Too many to keep: one stamp that refuses every answer stands for all of them.
    if (this.pending.size > MAX_PENDING) {
      this.pending.clear();
      this.pending.add(EVERYTHING);
    }
  }

  private async replay(): Promise<void> {
    if (this.pending.size === 0) return;
    const tags = [...this.pending];
    await this.send(tags);
    for (const tag of tags) this.pending.delete(tag);
  }
}
