import { defaultDeserialize, defaultSerialize } from '@keyv/serialize';
import type { DeserializedData } from 'keyv';
import { deserializeJson, serializeJson } from './keyv-json';

describe('plain JSON for the Redis Keyv', () => {
  // Keyv stores { value, expires }; these are the values the app keeps in Redis.
  const entries: DeserializedData<unknown>[] = [
    {
      value: { text: '{"id":1,"name":"Tea \\"green\\"","price":"4.15"}', expiresAt: 1 },
      expires: 2,
    },
    { value: 'x1Yz-_09ab', expires: 3 },
    { value: { tokenVersion: 2, role: 'customer', customerId: 7 }, expires: 4 },
    { value: { tokenVersion: 1, role: 'admin', customerId: null }, expires: 5 },
    { value: 'none', expires: undefined },
  ];

  it.each(entries)('writes %j as Keyv does by default, and reads it back', (entry) => {
    const text = serializeJson(entry);
    expect(text).toBe(defaultSerialize(entry));
    expect(deserializeJson(text)).toEqual(defaultDeserialize(text));
    expect(deserializeJson(text)).toEqual(JSON.parse(JSON.stringify(entry)));
  });
});
