import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { LRUCache } from 'lru-cache';
import { Role } from '../common/decorators/roles.decorator';

export interface AccessClaims {
  sub: number;
  role: Role;
  /** Account token version at issue time. */
  ver: number;
  /** Session id: logout ends this session. */
  sid: string;
  iat: number;
  exp: number;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined for any other header. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
}

/**
 * Signs and verifies access tokens. The JwtModule holds the secret as a KeyObject and
 * pins HS256: a string secret makes jsonwebtoken try createPublicKey on every verify,
 * which costs about 1 ms per request.
 */
@Injectable()
export class TokenService {
  /**
   * Tokens already verified, by their exact text: a client sends the same token on every
   * request, and re-checking the HMAC and re-parsing JSON each time was a measurable cost.
   * Expiry is still checked on every use; revocation is the guard's separate check.
   */
  private readonly verified = new LRUCache<string, AccessClaims>({ max: 20_000 });

  constructor(private readonly jwt: JwtService) {}

  sign(claims: Omit<AccessClaims, 'iat' | 'exp'>): string {
    return this.jwt.sign({ sub: claims.sub, role: claims.role, ver: claims.ver, sid: claims.sid });
  }

  /** The account of a valid bearer token in the Authorization header, if there is one. */
  accountOf(authorization: string | undefined): number | undefined {
    const token = bearerToken(authorization);
    return token === undefined ? undefined : this.verify(token)?.sub;
  }

  /** Returns the claims, or null for anything not a valid, unexpired, well-formed token. */
  verify(token: string): AccessClaims | null {
    const known = this.verified.get(token);
    if (known) return known.exp * 1000 > Date.now() ? known : null;
    const claims = this.verifyFresh(token);
    if (claims) this.verified.set(token, claims);
    return claims;
  }

  private verifyFresh(token: string): AccessClaims | null {
    let payload: Partial<AccessClaims>;
    try {
      payload = this.jwt.verify<Partial<AccessClaims>>(token);
    } catch {
      return null;
    }
    if (
      typeof payload.exp !== 'number' ||
      typeof payload.iat !== 'number' ||
      typeof payload.sub !== 'number' ||
      typeof payload.ver !== 'number' ||
      typeof payload.sid !== 'string' ||
      (payload.role !== 'admin' && payload.role !== 'customer')
    ) {
      return null;
    }
    return payload as AccessClaims;
  }
}
