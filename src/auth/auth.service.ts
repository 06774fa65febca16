import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { sha256Hex } from '../common/crypto';
import { dateInZone } from '../common/dates';
import { DomainError } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Council } from '../councils/council.entity';
import { Member } from '../councils/member.entity';
import { Term } from '../councils/term.entity';
import { Database } from '../database/database.service';
import { User } from '../users/user.entity';
import { Actor } from './actor';
import { LoginFailure } from './login-failure.entity';
import { burnPasswordCheck, verifyPassword } from './password';

export const MAX_LOGIN_FAILURES = 5;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;

export interface TokenClaims {
  sub: number;
  tv: number;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(emailRaw: string, password: string): Promise<{ accessToken: string; expiresIn: number }> {
    const email = emailRaw.trim().toLowerCase();
    const key = sha256Hex(`login:${email}`);
    const now = this.clock.now().getTime();
    const failure = await this.db.manager.findOne(LoginFailure, { where: { key } });
    if (failure && failure.count >= MAX_LOGIN_FAILURES && now - failure.windowStart < LOGIN_WINDOW_MS) {
      // Same answer whether or not the account exists.
      throw new DomainError('TOO_MANY_REQUESTS', 'Too many failed logins for this account; try again in 15 minutes');
    }
    const user = await this.db.manager.findOne(User, { where: { email } });
    const ok = user ? await verifyPassword(user.passwordHash, password) : (await burnPasswordCheck(password), false);
    const actorOk = ok && user!.active ? await this.actorFor(user!).catch(() => null) : null;
    if (!ok || !user || !actorOk) {
      await this.db.transaction(async (em) => {
        await this.recordFailure(em, key, now, failure);
        await this.audit.record(em, null, {
          action: 'auth.login_failed',
          entity: 'user',
          entityId: user?.id ?? null,
          details: { reason: !ok || !user ? 'bad_credentials' : 'no_access' },
        });
      });
      throw new DomainError('UNAUTHORIZED', 'E-mail or password is wrong, or the account has no access');
    }
    await this.db.transaction(async (em) => {
      await em.delete(LoginFailure, { key });
      await this.audit.record(em, actorOk, { action: 'auth.login', entity: 'user', entityId: user.id });
    });
    const claims: TokenClaims = { sub: user.id, tv: user.tokenVersion };
    return { accessToken: await this.jwt.signAsync(claims), expiresIn: this.config.tokenTtlSeconds };
  }

  private async recordFailure(em: EntityManager, key: string, now: number, previous: LoginFailure | null): Promise<void> {
    const fresh = await em.findOne(LoginFailure, { where: { key } });
    const row = fresh ?? previous;
    if (!row || now - row.windowStart >= LOGIN_WINDOW_MS) {
      await em.upsert(LoginFailure, { key, count: 1, windowStart: now }, ['key']);
    } else {
      await em.update(LoginFailure, { key }, { count: row.count + 1 });
    }
  }

  /** Verifies a bearer token and rebuilds the actor from the database on every request. */
  async authenticate(token: string): Promise<Actor> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch {
      throw new DomainError('UNAUTHORIZED', 'The access token is invalid or expired; log in again');
    }
    const user = await this.db.manager.findOne(User, { where: { id: claims.sub } });
    if (!user || !user.active || user.tokenVersion !== claims.tv) {
      throw new DomainError('UNAUTHORIZED', 'The access token is no longer valid; log in again');
    }
    return this.actorFor(user);
  }

  /** Builds the scope of a user; a council member without an active term today has no access. */
  async actorFor(user: User): Promise<Actor> {
    if (user.role === 'admin') return { kind: 'admin', userId: user.id };
    if (user.role === 'facility_admin') {
      if (!user.facilityId) throw new DomainError('FORBIDDEN', 'This account is not linked to a facility');
      return { kind: 'facility_admin', userId: user.id, facilityId: user.facilityId };
    }
    if (!user.memberId) throw new DomainError('FORBIDDEN', 'This account is not linked to a council member');
    const today = dateInZone(this.clock.now(), this.config.timeZone);
    const term = await this.db.manager
      .createQueryBuilder(Term, 't')
      .where('t.member_id = :m', { m: user.memberId })
      .andWhere('t.term_start <= :today AND t.term_end > :today', { today })
      .andWhere('(t.ended_on IS NULL OR t.ended_on > :today)', { today })
      .getOne();
    if (!term) throw new DomainError('FORBIDDEN', 'Your council term is not active, so this account has no access now');
    const member = await this.db.manager.findOneOrFail(Member, { where: { id: user.memberId } });
    const council = await this.db.manager.findOneOrFail(Council, { where: { id: member.councilId } });
    return { kind: 'kpac_member', userId: user.id, memberId: member.id, councilId: council.id, cityId: council.cityId };
  }
}
