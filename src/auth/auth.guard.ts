import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../common/domain-errors';
import type { Role } from '../users/user.constants';
import { Actor, PUBLIC_ACTOR } from './actor';
import { IS_PUBLIC, ROLES } from './auth.decorators';
import { AuthService } from './auth.service';

/** Global: every route needs a valid token unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; actor?: Actor }>();
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      req.actor ??= PUBLIC_ACTOR;
      return true;
    }
    // Another mechanism (e.g. a web session) may already have set the actor.
    if (!req.actor || req.actor.kind === 'public') {
      const header = req.headers['authorization'];
      const match = header?.match(/^Bearer\s+(\S+)$/i);
      if (!match) throw new DomainError('UNAUTHORIZED', 'Send Authorization: Bearer <token> from POST /api/v1/auth/login');
      req.actor = await this.auth.authenticate(match[1]);
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(req.actor.kind as Role)) {
      throw new DomainError('FORBIDDEN', `This route is for: ${roles.join(', ')}`);
    }
    return true;
  }
}
