import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { MemoReflector } from '../../common/memo-reflector';
import { FastifyRequest } from 'fastify';
import { Role, ROLES_KEY } from '../../common/decorators/roles.decorator';
import { forbidden } from '../../common/errors/domain-error';

/** Global guard: routes marked @Roles(...) need one of those roles (403 otherwise). */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: MemoReflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!roles || roles.length === 0) return true;
    const user = context.switchToHttp().getRequest<FastifyRequest>().user;
    if (!user || !roles.includes(user.role)) {
      throw forbidden(`This needs the ${roles.join(' or ')} role`);
    }
    return true;
  }
}
