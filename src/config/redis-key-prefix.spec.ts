import { defaultRedisKeyPrefix } from './redis-key-prefix';

describe('defaultRedisKeyPrefix', () => {
  it('is short, safe and ends with a separator', () => {
    expect(defaultRedisKeyPrefix('mysql://u:p@db.example:3306/shop')).toMatch(
      /^sf:[A-Za-z0-9_-]{12}:$/,
    );
  });

  it('is the same for every instance of one MySQL database, whoever signs in', () => {
    const prefix = defaultRedisKeyPrefix('mysql://app:secret@db.example:3306/shop');
    expect(defaultRedisKeyPrefix('mysql://other:pw@DB.example/shop')).toBe(prefix);
    expect(defaultRedisKeyPrefix('mariadb://app@db.example:3306/shop?charset=utf8mb4')).toBe(
      prefix,
    );
  });

  it('differs when the host, the port or the database name differs', () => {
    const prefixes = [
      'mysql://app@db.example:3306/shop',
      'mysql://app@db.example:3306/shop_staging',
      'mysql://app@db.example:3307/shop',
      'mysql://app@db2.example:3306/shop',
    ].map((url) => defaultRedisKeyPrefix(url));
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });

  it("keys a SQLite database by its file's absolute path", () => {
    const prefix = defaultRedisKeyPrefix('sqlite:data/storefront.sqlite', '/srv/app');
    expect(defaultRedisKeyPrefix('sqlite:/srv/app/data/storefront.sqlite', '/elsewhere')).toBe(
      prefix,
    );
    expect(defaultRedisKeyPrefix('sqlite:data/storefront.sqlite', '/srv/staging')).not.toBe(prefix);
  });

  it('gives every in-memory SQLite database its own prefix (it lives in one process)', () => {
    expect(defaultRedisKeyPrefix('sqlite::memory:')).not.toBe(
      defaultRedisKeyPrefix('sqlite::memory:'),
    );
  });
});
