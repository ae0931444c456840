import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { authConfig, AuthConfig } from '../../config/auth.config';
import { paginationConfig, PaginationConfig } from '../../config/pagination.config';
import { invalid } from '../errors/domain-error';

/** The sort key of the last row of a page: its sort value (if any) and its id. */
export type CursorKey = (string | number)[];

/** What a cursor is bound to: the list, the caller and every filter, the sort and the limit. */
export interface CursorScope {
  list: string;
  /** The account asking; another caller's cursor is refused. */
  caller: number;
  /** Filters, sort and limit, as given (undefined ones are dropped). */
  query: Record<string, unknown>;
}

const SIGNATURE_BYTES = 16;

const badCursor = (why: string) =>
  invalid(`cursor ${why}`, [{ field: 'cursor', message: `cursor ${why}` }]);

/**
 * Opaque, signed page cursors: base64url(JSON key) "." base64url(HMAC). The HMAC covers
 * the key and the scope (list, caller, filters, sort, limit), which the cursor does not
 * carry: a cursor sent with anything else than what produced it fails the check, as
 * does any edit. It says where the next page starts, so a deep page costs what the first
 * does (keyset.ts).
 */
@Injectable()
export class CursorCodec {
  private readonly key: Buffer;

  constructor(
    @Inject(paginationConfig.KEY) pagination: PaginationConfig,
    @Inject(authConfig.KEY) auth: AuthConfig,
  ) {
    // A key of its own, not the JWT key itself: a cursor can never pass for a token part.
    this.key = createHmac('sha256', pagination.cursorSecret ?? auth.jwtSecret)
      .update('storefront page cursor v1')
      .digest();
  }

  encode(scope: CursorScope, key: CursorKey): string {
    const body = Buffer.from(JSON.stringify(key)).toString('base64url');
    return `${body}.${this.sign(scope, body).toString('base64url')}`;
  }

  decode(scope: CursorScope, cursor: string, length: number): CursorKey {
    const [body, sig, extra] = cursor.split('.');
    if (!body || !sig || extra !== undefined) throw badCursor('is malformed');
    const given = Buffer.from(sig, 'base64url');
    const expected = this.sign(scope, body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw badCursor('is not valid for this list, caller, filters, sort and limit');
    }
    const key: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    // Signed by us, so well-formed unless the code that made it changed shape.
    if (!Array.isArray(key) || key.length !== length) throw badCursor('is from an older version');
    return key as CursorKey;
  }

  private sign(scope: CursorScope, body: string): Buffer {
    const query = Object.keys(scope.query)
      .filter((k) => scope.query[k] !== undefined)
      .sort()
      .map((k) => [k, scope.query[k]]);
    return createHmac('sha256', this.key)
      .update(JSON.stringify([scope.list, scope.caller, query, body]))
      .digest()
      .subarray(0, SIGNATURE_BYTES);
  }
}
