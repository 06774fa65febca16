import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '../users/user.constants';
import { Actor, PUBLIC_ACTOR } from './actor';

export const IS_PUBLIC = 'kpac:isPublic';
export const ROLES = 'kpac:roles';

/** No login needed (public intake, tracking, link responses, health). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only these roles may call the route; everyone else gets 403. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<{ actor?: Actor }>();
  return req.actor ?? PUBLIC_ACTOR;
});
