import { MemoryTagStore } from './tag-store';

describe('MemoryTagStore', () => {
  it('refuses only answers whose tags were stamped after their snapshot', async () => {
    const store = new MemoryTagStore();
    const before = await store.snapshot();
    await store.stamp(['p:1']);
    await store.stamp(['p:1']);
    const after = await store.snapshot();
    expect(await store.unchanged(['p:1'], before)).toBe(false);
    expect(await store.unchanged(['p:1'], after)).toBe(true);
    // Stamping one tag again and again leaves every other answer alone.
    expect(await store.unchanged(['p:2'], before)).toBe(true);
    await store.stamp(['p:1']);
    expect(await store.unchanged(['p:2', 'p:3'], before)).toBe(true);
    expect(await store.unchanged(['p:1'], after)).toBe(false);
  });
});
