import { DomainError } from '../errors/domain-error';
import { CursorCodec, CursorScope } from './cursor-codec';

describe('CursorCodec', () => {
  const codec = new CursorCodec({ cursorSecret: 'a'.repeat(16) + 'b'.repeat(16) }, {
    jwtSecret: 'unused',
  } as never);
  const scope: CursorScope = { list: 'products', caller: 7, query: { limit: 20, sort: 'price' } };

  const refused = (fn: () => unknown) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'invalid', errors: [{ field: 'cursor' }] });
  };

  it('gives back the key it encoded, for the same scope', () => {
    const cursor = codec.encode(scope, [1999, 42]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(codec.decode(scope, cursor, 2)).toEqual([1999, 42]);
  });

  it('ignores the order of query keys and undefined values', () => {
    const cursor = codec.encode(scope, ['2024-01-01 00:00:00.000', 3]);
    const same = { ...scope, query: { sort: 'price', limit: 20, search: undefined } };
    expect(codec.decode(same, cursor, 2)).toEqual(['2024-01-01 00:00:00.000', 3]);
  });

  it('refuses an edited key, another list, caller, filter, sort or limit', () => {
    const cursor = codec.encode(scope, [1999, 42]);
    const [, sig] = cursor.split('.');
    const edited = Buffer.from(JSON.stringify([1999, 41])).toString('base64url');
    refused(() => codec.decode(scope, `${edited}.${sig}`, 2));
    refused(() => codec.decode({ ...scope, list: 'orders' }, cursor, 2));
    refused(() => codec.decode({ ...scope, caller: 8 }, cursor, 2));
    refused(() => codec.decode({ ...scope, query: { ...scope.query, inStock: true } }, cursor, 2));
    refused(() => codec.decode({ ...scope, query: { limit: 20, sort: '-price' } }, cursor, 2));
    refused(() => codec.decode({ ...scope, query: { limit: 21, sort: 'price' } }, cursor, 2));
    refused(() => codec.decode(scope, 'garbage', 2));
  });

  it('refuses a cursor signed with another key', () => {
    const other = new CursorCodec({ cursorSecret: 'c'.repeat(32) }, { jwtSecret: 'x' } as never);
    refused(() => codec.decode(scope, other.encode(scope, [1, 2]), 2));
  });
});
