import type { DeserializedData } from 'keyv';

/**
 * Plain JSON for the Redis Keyv. Keyv's default (de)serializer walks every value for
 * Buffers and strings starting with ':' (a JSON.parse reviver per value: ~3% of a cached
 * read). Nothing this app stores is either (response texts, versions, account states),
 * and for such values the text is the same as the default's, so entries written by either
 * read back with the other (keyv-json.spec.ts).
 */
export const serializeJson = <V>(data: DeserializedData<V>): string => JSON.stringify(data);

export const deserializeJson = <V>(text: string): DeserializedData<V> =>
  JSON.parse(text) as DeserializedData<V>;
