import { MemoryThrottlerStorage } from './memory-throttler.storage';

describe('MemoryThrottlerStorage', () => {
  let now = 1_000_000;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('counts hits per key in a fixed window and blocks past the limit', async () => {
    const s = new MemoryThrottlerStorage(100, clock);
    const hits = [];
    for (let i = 0; i < 4; i++) hits.push(await s.increment('k', 60_000, 3));
    expect(hits.map((h) => h.totalHits)).toEqual([1, 2, 3, 4]);
    expect(hits.map((h) => h.isBlocked)).toEqual([false, false, false, true]);
    expect(hits[0]).toMatchObject({ timeToExpire: 60, timeToBlockExpire: 0 });
    expect(hits[3].timeToBlockExpire).toBe(60);
    expect((await s.increment('other', 60_000, 3)).totalHits).toBe(1);
  });

  it('reports the time left in the window, rounded up to whole seconds', async () => {
    const s = new MemoryThrottlerStorage(100, clock);
    await s.increment('k', 10_000, 1);
    now += 2_500;
    const r = await s.increment('k', 10_000, 1);
    expect(r).toMatchObject({
      totalHits: 2,
      isBlocked: true,
      timeToExpire: 8,
      timeToBlockExpire: 8,
    });
  });

  it('starts a new window once the old one has expired', async () => {
    const s = new MemoryThrottlerStorage(100, clock);
    for (let i = 0; i < 5; i++) await s.increment('k', 1_000, 2);
    now += 1_000;
    const r = await s.increment('k', 1_000, 2);
    expect(r).toMatchObject({ totalHits: 1, isBlocked: false, timeToExpire: 1 });
  });

  it('keeps one counter per key, not one entry per hit', async () => {
    const s = new MemoryThrottlerStorage(100, clock);
    for (let i = 0; i < 10_000; i++) await s.increment('k', 86_400_000, 100_000);
    expect(s.size).toBe(1);
    expect((await s.increment('k', 86_400_000, 100_000)).totalHits).toBe(10_001);
  });

  it('holds at most maxKeys counters, dropping the least recently used', async () => {
    const s = new MemoryThrottlerStorage(3, clock);
    for (const key of ['a', 'b', 'c']) await s.increment(key, 60_000, 10);
    await s.increment('a', 60_000, 10);
    await s.increment('d', 60_000, 10);
    expect(s.size).toBe(3);
    // 'b' was the least recently used: it starts over; 'a' kept its count.
    expect((await s.increment('b', 60_000, 10)).totalHits).toBe(1);
    expect((await s.increment('a', 60_000, 10)).totalHits).toBe(3);
  });
});
