import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { dateInZone } from '../common/dates';
import { DomainError } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Council } from '../councils/council.entity';
import { Member } from '../councils/member.entity';
import { Database } from '../database/database.service';
import { activeTermsQuery } from '../notifications/recipients';
import { User } from '../users/user.entity';
import { Actor } from './actor';
import { LoginReservation, LoginThrottle } from './login-throttle.service';
import { burnPasswordCheck, verifyPassword } from './password';
import { SecondFactorService, SecondFactorUsed } from './second-factor.service';
import { StaffSessions } from './staff-sessions.service';
import { totpUri } from './totp';

export { LOGIN_WINDOW_MS, MAX_LOGIN_FAILURES } from './login-throttle.service';

export interface TokenClaims {
  sub: number;
  tv: number;
}

export interface LoginAttempt {
  email: string;
  password: string;
  otp?: string;
  /** The client address, for the per-address failure count. */
  address: string;
}

/** Where a login with a right password stands. */
export type LoginOutcome =
  | { kind: 'ok'; user: User; actor: Actor }
  /** Enrolled: the code (or a recovery code) is still to come. */
  | { kind: 'second_factor'; user: User }
  /** Must have a second factor and has none: set one up with this enrolment token first. */
  | { kind: 'enrolment_required'; user: User; enrolmentToken: string };

export interface Enrolment {
  secret: string;
  otpauthUri: string;
}

const WRONG_CREDENTIALS = 'E-mail or password is wrong, or the account has no access';
const CODE_NEEDED = 'This account has a second factor: send otp, the 6-digit code from the authenticator app (or a recovery code)';
const WRONG_CODE = 'The code is wrong or was used already; send the current code from the authenticator app (or an unused recovery code)';
const STALE_TOKEN = 'The login step has expired or was used; log in again';

@Injectable()
export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly throttle: LoginThrottle,
    private readonly secondFactor: SecondFactorService,
    private readonly sessions: StaffSessions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * E-mail and password, then the second factor. Every attempt is counted before anything is
   * checked (LoginThrottle); an unknown account costs the same hash and gets the same answer.
   */
  async login(attempt: LoginAttempt): Promise<LoginOutcome> {
    const email = attempt.email.trim().toLowerCase();
    const reservation = await this.throttle.reserve(email, attempt.address);
    const user = await this.db.manager.findOne(User, { where: { email } });
    const ok = user ? await verifyPassword(user.passwordHash, attempt.password) : (await burnPasswordCheck(attempt.password), false);
    const actor = ok && user!.active ? await this.actorFor(user!).catch(() => null) : null;
    if (!ok || !user || !actor) {
      await this.recordFailure(user?.id ?? null, !ok || !user ? 'bad_credentials' : 'no_access');
      throw new DomainError('UNAUTHORIZED', WRONG_CREDENTIALS);
    }
    if (this.secondFactor.enrolled(user)) {
      if (!attempt.otp) {
        // A right password on its way to the second step is no failure, but clears nothing either.
        await this.throttle.release(reservation, { success: false });
        return { kind: 'second_factor', user };
      }
      const used = await this.secondFactor.consume(user, attempt.otp);
      if (!used) {
        await this.recordFailure(user.id, 'bad_second_factor');
        throw new DomainError('TWO_FACTOR_REQUIRED', WRONG_CODE);
      }
      return this.succeed(reservation, user, actor, used);
    }
    if (this.secondFactor.required(user)) {
      await this.throttle.release(reservation, { success: false });
      return { kind: 'enrolment_required', user, enrolmentToken: await this.secondFactor.createChallenge(user.id, 'enrol') };
    }
    return this.succeed(reservation, user, actor, null);
  }

  /** The web login's second step: a challenge from a right password, then the code. */
  async secondStepChallenge(user: User): Promise<string> {
    return this.secondFactor.createChallenge(user.id, 'second_factor');
  }

  async completeSecondStep(challengeToken: string, otp: string, address: string): Promise<{ user: User; actor: Actor }> {
    const challenge = await this.secondFactor.findChallenge(challengeToken, 'second_factor');
    const user = challenge ? await this.db.manager.findOne(User, { where: { id: challenge.userId } }) : null;
    if (!challenge || !user || !user.active || !this.secondFactor.enrolled(user)) throw new DomainError('UNAUTHORIZED', STALE_TOKEN, { reason: 'stale' });
    const reservation = await this.throttle.reserve(user.email, address);
    const actor = await this.actorFor(user).catch(() => null);
    if (!actor) {
      await this.recordFailure(user.id, 'no_access');
      throw new DomainError('UNAUTHORIZED', WRONG_CREDENTIALS);
    }
    const used = await this.secondFactor.consume(user, otp);
    if (!used) {
      await this.recordFailure(user.id, 'bad_second_factor');
      throw new DomainError('TWO_FACTOR_REQUIRED', WRONG_CODE);
    }
    if (!(await this.db.transaction(({ em }) => this.secondFactor.spendChallenge(em, challenge)))) throw new DomainError('UNAUTHORIZED', STALE_TOKEN, { reason: 'stale' });
    return this.succeed(reservation, user, actor, used);
  }

  /** A logged-in account that has no second factor yet asks to set one up. */
  async startEnrolment(actor: Actor): Promise<string> {
    const user = actor.userId ? await this.db.manager.findOne(User, { where: { id: actor.userId } }) : null;
    if (!user) throw new DomainError('UNAUTHORIZED', STALE_TOKEN);
    if (this.secondFactor.enrolled(user)) {
      throw new DomainError('CONFLICT', 'This account has a second factor already; an admin can reset it if the device is lost', { reason: 'enrolled' });
    }
    return this.secondFactor.createChallenge(user.id, 'enrol');
  }

  /** What the account page shows: whether a second factor is on, since when, and the recovery codes left. */
  async secondFactorState(actor: Actor): Promise<{ enrolled: boolean; enabledAt: Date | null; codesLeft: number }> {
    const user = actor.userId ? await this.db.manager.findOne(User, { where: { id: actor.userId } }) : null;
    if (!user) throw new DomainError('UNAUTHORIZED', STALE_TOKEN);
    const enrolled = this.secondFactor.enrolled(user);
    return { enrolled, enabledAt: user.totpEnabledAt, codesLeft: enrolled ? await this.secondFactor.recoveryCodesLeft(user.id) : 0 };
  }

  /** The secret and otpauth:// URI of an enrolment token (the same on every call for one token). */
  async enrol(enrolmentToken: string): Promise<Enrolment> {
    const challenge = await this.secondFactor.findChallenge(enrolmentToken, 'enrol');
    const user = challenge ? await this.db.manager.findOne(User, { where: { id: challenge.userId } }) : null;
    if (!challenge || !user || !user.active) throw new DomainError('UNAUTHORIZED', 'The enrolment token is invalid or expired (10 minutes, single use); log in again', { reason: 'stale' });
    if (this.secondFactor.enrolled(user)) throw new DomainError('CONFLICT', 'This account has a second factor already', { reason: 'enrolled' });
    const secret = await this.secondFactor.pendingSecret(challenge);
    return { secret, otpauthUri: totpUri(secret, user.email) };
  }

  /**
   * The first code from the new secret turns the second factor on, ends every other session and
   * token of the account, and logs it in; the ten recovery codes are returned this once.
   * A wrong code counts as a failed login.
   */
  async confirmEnrolment(enrolmentToken: string, otp: string, address: string): Promise<{ user: User; actor: Actor; recoveryCodes: string[] }> {
    const challenge = await this.secondFactor.findChallenge(enrolmentToken, 'enrol');
    const user = challenge ? await this.db.manager.findOne(User, { where: { id: challenge.userId } }) : null;
    if (!challenge || !user || !user.active) throw new DomainError('UNAUTHORIZED', 'The enrolment token is invalid or expired (10 minutes, single use); log in again', { reason: 'stale' });
    if (!challenge.secretEnc) throw new DomainError('CONFLICT', 'Ask for the secret first: POST /api/v1/auth/2fa/enrol', { reason: 'no_secret' });
    if (this.secondFactor.enrolled(user)) throw new DomainError('CONFLICT', 'This account has a second factor already', { reason: 'enrolled' });
    const reservation = await this.throttle.reserve(user.email, address);
    const actor = await this.actorFor(user).catch(() => null);
    if (!actor) {
      await this.recordFailure(user.id, 'no_access');
      throw new DomainError('UNAUTHORIZED', WRONG_CREDENTIALS);
    }
    const secret = await this.secondFactor.pendingSecret(challenge);
    const step = this.secondFactor.matchPending(secret, otp);
    if (step === null) {
      await this.recordFailure(user.id, 'bad_second_factor');
      throw new DomainError('TWO_FACTOR_REQUIRED', 'The code does not match the new secret; check the app and the phone clock, and send the current code');
    }
    const recoveryCodes = await this.db.transaction(async (uow) => {
      const em = uow.em;
      if (!(await this.secondFactor.spendChallenge(em, challenge))) throw new DomainError('UNAUTHORIZED', STALE_TOKEN, { reason: 'stale' });
      const done = await this.secondFactor.enable(em, user.id, secret, step);
      if (!done.enabled) throw new DomainError('CONFLICT', 'This account has a second factor already', { reason: 'enrolled' });
      // Sessions begun before the account had a second factor end here.
      await this.sessions.revokeAll(em, [user.id]);
      this.audit.record(uow, { actor, action: 'auth.2fa_enrolled', entity: 'user', entityId: user.id });
      return done.recoveryCodes;
    });
    const fresh = await this.db.manager.findOneOrFail(User, { where: { id: user.id } });
    await this.succeed(reservation, fresh, actor, 'totp');
    return { user: fresh, actor, recoveryCodes };
  }

  /** Ends every session and token of the account (logout is everywhere at once). */
  async logout(actor: Actor): Promise<void> {
    if (!actor.userId) return;
    await this.db.transaction(async (uow) => {
      const em = uow.em;
      await this.sessions.revokeAll(em, [actor.userId!]);
      this.audit.record(uow, { actor, action: 'auth.logout', entity: 'user', entityId: actor.userId });
    });
  }

  async issueToken(user: User): Promise<{ accessToken: string; expiresIn: number }> {
    const claims: TokenClaims = { sub: user.id, tv: user.tokenVersion };
    return { accessToken: await this.jwt.signAsync(claims), expiresIn: this.config.tokenTtlSeconds };
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
    if (!user || !this.usable(user) || user.tokenVersion !== claims.tv) {
      throw new DomainError('UNAUTHORIZED', 'The access token is no longer valid; log in again');
    }
    return this.actorFor(user);
  }

  /** An account a session or token may act for: active, and with a second factor if it must have one. */
  usable(user: User): boolean {
    return user.active && (this.secondFactor.enrolled(user) || !this.secondFactor.required(user));
  }

  /** Builds the scope of a user; a council member without an active term today has no access. */
  async actorFor(user: User): Promise<Actor> {
    if (user.role === 'admin') return { kind: 'admin', userId: user.id };
    if (user.role === 'facility_admin') {
      if (!user.facilityId) throw new DomainError('FORBIDDEN', 'This account is not linked to a facility');
      return { kind: 'facility_admin', userId: user.id, facilityId: user.facilityId };
    }
    if (!user.memberId) throw new DomainError('FORBIDDEN', 'This account is not linked to a council member');
    const term = await activeTermsQuery(this.db, dateInZone(this.clock.now(), this.config.timeZone)).andWhere('t.member_id = :m', { m: user.memberId }).getOne();
    if (!term) throw new DomainError('FORBIDDEN', 'Your council term is not active, so this account has no access now');
    const member = await this.db.manager.findOneOrFail(Member, { where: { id: user.memberId } });
    const council = await this.db.manager.findOneOrFail(Council, { where: { id: member.councilId } });
    return { kind: 'kpac_member', userId: user.id, memberId: member.id, councilId: council.id, cityId: council.cityId };
  }

  private async succeed(reservation: LoginReservation, user: User, actor: Actor, secondFactor: SecondFactorUsed | null): Promise<{ kind: 'ok'; user: User; actor: Actor }> {
    await this.throttle.release(reservation, { success: true });
    await this.db.transaction((uow) =>
      this.audit.record(uow, {
        actor,
        action: 'auth.login', entity: 'user', entityId: user.id, details: { secondFactor: secondFactor ?? 'none' } }),
    );
    return { kind: 'ok', user, actor };
  }

  private recordFailure(userId: number | null, reason: 'bad_credentials' | 'no_access' | 'bad_second_factor'): Promise<void> {
    return this.db.transaction((uow) => this.audit.record(uow, { actor: null, action: 'auth.login_failed', entity: 'user', entityId: userId, details: { reason } }));
  }
}
