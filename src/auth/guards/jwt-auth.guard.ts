import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { MemoReflector } from '../../common/memo-reflector';
import { FastifyRequest } from 'fastify';
import { AccountStateService } from '../../accounts/account-state.service';
import { IS_PUBLIC_KEY } from '../../common/decorators/public.decorator';
import { unauthorized } from '../../common/errors/domain-error';
import { bearerToken, TokenService } from '../token.service';

/**
 * Global guard: every route needs a valid bearer token unless marked @Public().
 * Beyond the signature it checks the account still exists, the token predates no
 * password change and its session has not ended (logout, refresh-token reuse), so
 * revocation is immediate.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: MemoReflector,
    private readonly tokens: TokenService,
    private readonly accountState: AccountStateService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) throw unauthorized('Missing bearer token');
    const claims = this.tokens.verify(token);
    if (!claims) throw unauthorized('Invalid or expired token');
    const state = await this.accountState.forSession(claims.sub, claims.sid);
    if (!state || state.tokenVersion !== claims.ver) throw unauthorized('Token has been revoked');
    request.user = {
      id: claims.sub,
      role: state.role,
      customerId: state.customerId,
      sessionId: claims.sid,
    };
    return true;
  }
}
