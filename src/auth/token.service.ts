import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { LRUCache } from 'lru-cache';
import { Role } from '../common/decorators/roles.decorator';
import { BearerAccounts } from '../rate-limit/bearer-accounts';

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
 * The claims of a verified payload, or null unless it has every claim this API issues with
 * the right type: `exp` is required (jsonwebtoken accepts a token without one).
 */
export function accessClaims(payload: unknown): AccessClaims | null {
  if (!payload || typeof payload !== 'object') return null;
  const p = payload as Partial<AccessClaims>;
  if (
    typeof p.exp !== 'number' ||
    typeof p.iat !== 'number' ||
    typeof p.sub !== 'number' ||
    typeof p.ver !== 'number' ||
    typeof p.sid !== 'string' ||
    (p.role !== 'admin' && p.role !== 'customer')
  ) {
    return null;
  }
  return p as AccessClaims;
}

/**
 * Signs access tokens, and keeps the memo of tokens already verified. The full check of a
 * request is JwtStrategy's (passport-jwt); `verify` is for the places that need a token's
 * account before authentication runs (the rate limiter's tracker, the response cache's
 * per-user key), with the same key and algorithm (see jwt-key.ts).
 */
@Injectable()
export class TokenService implements BearerAccounts {
  /**
   * Tokens already verified, by their exact text: a client sends the same token on every
   * request, and re-checking the HMAC and re-parsing JSON each time was a measurable cost.
   * Expiry is still checked on every use; revocation is checked on every request
   * (JwtStrategy.userOf), memo or not.
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
    const known = this.known(token);
    if (known !== undefined) return known;
    let claims: AccessClaims | null;
    try {
      claims = accessClaims(this.jwt.verify<object>(token));
    } catch {
      return null;
    }
    if (claims) this.remember(token, claims);
    return claims;
  }

  /**
   * The memo's answer: the claims of a token verified before (null once it has expired), or
   * undefined for a token not seen yet, which must be verified.
   */
  known(token: string | undefined): AccessClaims | null | undefined {
    const claims = token === undefined ? undefined : this.verified.get(token);
    if (claims === undefined) return undefined;
    return claims.exp * 1000 > Date.now() ? claims : null;
  }

  /** Only for claims whose token's signature and expiry were just verified. */
  remember(token: string, claims: AccessClaims): void {
    this.verified.set(token, claims);
  }
}
