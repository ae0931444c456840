/** Unit-test doubles for paging (named *spec.ts so the build leaves it out). */
import { CursorCodec } from './cursor-codec';
import { Keyset } from './keyset';

/** A Keyset with a fixed key, for unit tests of the services that page. */
export function testKeyset(): Keyset {
  return new Keyset(
    new CursorCodec({ cursorSecret: 'unit-test-cursor-secret-0123456789abcdef' }, {
      jwtSecret: 'unused',
    } as never),
  );
}

/** A select query builder double: records paging calls, answers `rows`, counts `total`. */
export interface FakeListQuery {
  [method: string]: jest.Mock;
}

export function fakeListQuery<T>(rows: T[], total: number): FakeListQuery {
  const qb: FakeListQuery = {};
  for (const m of ['andWhere', 'leftJoinAndSelect', 'addOrderBy', 'offset', 'limit', 'clone']) {
    qb[m] = jest.fn((): FakeListQuery => qb);
  }
  qb.getMany = jest.fn(async () => rows);
  qb.getCount = jest.fn(async () => total);
  return qb;
}
