import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AccountStateService } from '../accounts/account-state.service';
import { AuthUser } from '../common/decorators/current-user.decorator';
import { unauthorized } from '../common/errors/domain-error';
import { authConfig } from '../config/auth.config';
import { JWT_ALGORITHM, jwtKey } from './jwt-key';
import { AccessClaims, accessClaims, TokenService } from './token.service';

const fromBearer = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * passport-jwt's strategy: the bearer token of the Authorization header, verified with the
 * KeyObject secret, HS256 only, expiry enforced. `validate` adds what a signature cannot
 * tell: the claims this API issues (exp required), and revocation (see `userOf`).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(authConfig.KEY) config: ConfigType<typeof authConfig>,
    private readonly tokens: TokenService,
    private readonly accountState: AccountStateService,
  ) {
    super({
      jwtFromRequest: fromBearer,
      // The types say string | Buffer; jsonwebtoken 9, which verifies, takes a KeyObject.
      secretOrKey: jwtKey(config) as unknown as Buffer,
      algorithms: [JWT_ALGORITHM],
      ignoreExpiration: false,
      passReqToCallback: true,
    });
  }

  /** Called by passport-jwt once the signature, algorithm and expiry are checked. */
  async validate(request: FastifyRequest, payload: unknown): Promise<AuthUser> {
    const claims = accessClaims(payload);
    if (!claims) throw unauthorized('Invalid or expired token');
    const user = await this.userOf(claims);
    // Verified and not revoked: the next request with this token skips passport-jwt.
    const token = fromBearer(request);
    if (token) this.tokens.remember(token, claims);
    return user;
  }

  /**
   * The revocation check, on every request (memo or not): the account still exists, the
   * token predates no password change (`ver`), and its session has not ended (logout,
   * refresh-token reuse, a password change elsewhere). Served from the shared cache, so a
   * revocation holds on every instance at once (AccountStateService).
   */
  async userOf(claims: AccessClaims): Promise<AuthUser> {
    const state = await this.accountState.forSession(claims.sub, claims.sid);
    if (!state || state.tokenVersion !== claims.ver) throw unauthorized('Token has been revoked');
    return {
      id: claims.sub,
      role: state.role,
      customerId: state.customerId,
      sessionId: claims.sid,
    };
  }
}
