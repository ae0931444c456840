import type Redis from 'ioredis';
import { RedisBatchReader } from './redis-batch-reader';

/** Just MGET, recording each call's keys. */
class FakeRedis {
  data = new Map<string, string>();
  calls: string[][] = [];
  fail = false;
  mget(...keys: string[]): Promise<(string | null)[]> {
    this.calls.push(keys);
    if (this.fail) return Promise.reject(new Error('Connection is closed.'));
    return Promise.resolve(keys.map((k) => this.data.get(k) ?? null));
  }
}

describe('RedisBatchReader', () => {
  let redis: FakeRedis;
  let reader: RedisBatchReader;

  beforeEach(() => {
    redis = new FakeRedis();
    reader = RedisBatchReader.of(redis as unknown as Redis);
  });

  it('is one reader per client', () => {
    expect(RedisBatchReader.of(redis as unknown as Redis)).toBe(reader);
    expect(RedisBatchReader.of(new FakeRedis() as unknown as Redis)).not.toBe(reader);
  });

  it("sends every caller's reads of one turn as one MGET, a key asked twice read once", async () => {
    redis.data.set('seq', '7').set('tag:a', '3').set('acct:1', '{"r":1}');
    const [tags, account, again] = await Promise.all([
      reader.read(['seq', 'tag:a', 'tag:missing']),
      reader.read(['acct:1']),
      reader.read(['seq']),
    ]);
    expect(tags).toEqual(['7', '3', null]);
    expect(account).toEqual(['{"r":1}']);
    expect(again).toEqual(['7']);
    expect(redis.calls).toEqual([['seq', 'tag:a', 'tag:missing', 'acct:1']]);
  });

  it('reads again in a later turn, seeing what was written in between', async () => {
    expect(await reader.read(['k'])).toEqual([null]);
    redis.data.set('k', 'v');
    expect(await reader.read(['k'])).toEqual(['v']);
    expect(redis.calls).toHaveLength(2);
  });

  it('fails every caller of a failed MGET, and the next turn reads afresh', async () => {
    redis.fail = true;
    const results = await Promise.allSettled([reader.read(['a']), reader.read(['b'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    redis.fail = false;
    redis.data.set('a', '1');
    expect(await reader.read(['a'])).toEqual(['1']);
  });
});
