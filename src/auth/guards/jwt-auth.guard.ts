import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { FastifyRequest } from 'fastify';
import { AuthUser } from '../../common/decorators/current-user.decorator';
import { IS_PUBLIC_KEY } from '../../common/decorators/public.decorator';
import { unauthorized } from '../../common/errors/domain-error';
import { MemoReflector } from '../../common/memo-reflector';
import { JwtStrategy } from '../jwt.strategy';
import { bearerToken, TokenService } from '../token.service';

/**
 * Global guard: every route needs a valid bearer token unless marked @Public(). passport's
 * AuthGuard('jwt') runs JwtStrategy (signature, HS256, expiry, claims, revocation).
 *
 * In front of it, the memo of tokens already verified (TokenService.known): such a token
 * skips passport and the HMAC, and goes straight to the revocation check, which runs on
 * every request either way. The cached read kept its speed this way (docs/benchmarks.md).
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: MemoReflector,
    private readonly tokens: TokenService,
    private readonly strategy: JwtStrategy,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const known = this.tokens.known(bearerToken(request.headers.authorization));
    if (known === null) throw unauthorized('Invalid or expired token');
    if (known !== undefined) {
      request.user = await this.strategy.userOf(known);
      return true;
    }
    return (await super.canActivate(context)) as boolean;
  }

  /** passport's outcome: the strategy's own error (revocation) as it is, any failure 401. */
  override handleRequest<TUser = AuthUser>(
    err: unknown,
    user: TUser | false,
    info: unknown,
  ): TUser {
    if (err) throw err instanceof Error ? err : unauthorized('Invalid or expired token');
    if (!user) {
      const missing = info instanceof Error && info.message === 'No auth token';
      throw unauthorized(missing ? 'Missing bearer token' : 'Invalid or expired token');
    }
    return user;
  }
}
