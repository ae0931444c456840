import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { MemoReflector } from '../../common/memo-reflector';
import { FastifyRequest } from 'fastify';
import { QUERY_ROLES_KEY, Role, ROLES_KEY } from '../../common/decorators/roles.decorator';
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
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (roles && roles.length > 0 && (!request.user || !roles.includes(request.user.role))) {
      throw forbidden(`This needs the ${roles.join(' or ')} role`);
    }
    const byParameter = this.reflector.getAllAndOverride<Record<string, Role[]> | undefined>(
      QUERY_ROLES_KEY,
      [context.getHandler(), context.getClass()],
    );
    if (byParameter) this.checkQuery(byParameter, request);
    return true;
  }

  private checkQuery(byParameter: Record<string, Role[]>, request: FastifyRequest): void {
    const query = (request.query ?? {}) as Record<string, unknown>;
    for (const [name, allowed] of Object.entries(byParameter)) {
      if (query[name] !== undefined && (!request.user || !allowed.includes(request.user.role))) {
        throw forbidden(`The ${name} filter needs the ${allowed.join(' or ')} role`);
      }
    }
  }
}
