import { SetMetadata } from '@nestjs/common';

export type Role = 'admin' | 'customer';
export const ROLES = ['admin', 'customer'] as const;
export const ROLES_KEY = 'roles';
/** Restricts a route (or controller) to the given roles; checked by the global RolesGuard. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const QUERY_ROLES_KEY = 'queryRoles';
/**
 * Query parameters only some roles may send (`{ stockBelow: ['admin'] }`): 403 otherwise.
 * Checked by the global RolesGuard, so also before a cached answer is served.
 */
export const QueryRoles = (byParameter: Record<string, Role[]>) =>
  SetMetadata(QUERY_ROLES_KEY, byParameter);
