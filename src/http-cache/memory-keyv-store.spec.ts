import Keyv from 'keyv';
import { MemoryKeyvStore } from './memory-keyv-store';

describe('MemoryKeyvStore', () => {
  it('works under Keyv, with a TTL (a bare LRUCache silently stores nothing)', async () => {
    const keyv = new Keyv({ store: new MemoryKeyvStore(), useKeyPrefix: false });
    expect(await keyv.set('k', { a: 1 }, 60_000)).toBe(true);
    expect(await keyv.get('k')).toEqual({ a: 1 });
    expect(await keyv.delete('k')).toBe(true);
    expect(await keyv.get('k')).toBeUndefined();
  });

  it("answers Keyv's getMany in one call, expired and missing keys undefined", async () => {
    const store = new MemoryKeyvStore();
    const getMany = jest.spyOn(store, 'getMany');
    const keyv = new Keyv({ store, useKeyPrefix: false });
    await keyv.set('a', { a: 1 }, 60_000);
    await keyv.set('gone', { b: 2 }, 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await keyv.getMany(['a', 'gone', 'missing'])).toEqual([{ a: 1 }, undefined, undefined]);
    expect(getMany).toHaveBeenCalledTimes(1);
  });

  it('is bounded by entry count and by size', async () => {
    const byCount = new MemoryKeyvStore(2);
    for (const k of ['a', 'b', 'c']) await byCount.set(k, 'v');
    expect(await byCount.get('a')).toBeUndefined();
    expect(await byCount.get('c')).toBe('v');
    const bySize = new MemoryKeyvStore(100, 100);
    await bySize.set('x', 'v'.repeat(60));
    await bySize.set('y', 'v'.repeat(60));
    expect(await bySize.get('x')).toBeUndefined();
    expect(await bySize.get('y')).toHaveLength(60);
  });
});
