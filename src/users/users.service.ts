import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AuditService } from '../audit/audit.service';
import { Actor, SYSTEM_ACTOR } from '../auth/actor';
import { hashPassword } from '../auth/password';
import { SecondFactorService } from '../auth/second-factor.service';
import { StaffSessions } from '../auth/staff-sessions.service';
import { Clock } from '../common/clock';
import { DomainError, invalid, notFound } from '../common/domain-errors';
import { conflictOnDuplicate } from '../common/unique-violation';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Member } from '../councils/member.entity';
import { Database } from '../database/database.service';
import { Facility } from '../facilities/facility.entity';
import { CreateUserDto, UpdateUserDto } from './create-user.dto';
import type { Role } from './user.constants';
import { framed } from '../logging/logging';
import { User } from './user.entity';

export interface UserView {
  id: number;
  email: string;
  role: string;
  memberId: number | null;
  facilityId: number | null;
  language: string | null;
  active: boolean;
  /** Whether the account has a second factor (TOTP) set up. */
  twoFactor: boolean;
  createdAt: Date;
}

const view = (u: User): UserView => ({
  id: u.id,
  email: u.email,
  role: u.role,
  memberId: u.memberId,
  facilityId: u.facilityId,
  language: u.language ?? null,
  active: u.active,
  twoFactor: u.totpSecretEnc !== null,
  createdAt: u.createdAt,
});

/** The member / facility a role needs, as on creation: each link only with its own role. */
function checkRoleLinks(dto: { role: Role; memberId?: number; facilityId?: number }): void {
  if (dto.role === 'kpac_member' && !dto.memberId) throw invalid('memberId is required for a kpac_member account', { field: 'memberId', reason: 'required' });
  if (dto.role === 'facility_admin' && !dto.facilityId) throw invalid('facilityId is required for a facility_admin account', { field: 'facilityId', reason: 'required' });
  if (dto.role !== 'kpac_member' && dto.memberId) throw invalid('memberId is only for kpac_member accounts', { field: 'memberId', reason: 'not_for_role' });
  if (dto.role !== 'facility_admin' && dto.facilityId) throw invalid('facilityId is only for facility_admin accounts', { field: 'facilityId', reason: 'not_for_role' });
}

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Users');

  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly sessions: StaffSessions,
    private readonly secondFactor: SecondFactorService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureAdmin();
  }

  /**
   * Creates the bootstrap admin only if no admin exists; never a default password. Instances
   * starting together take turns (start-up lock), so only the first creates one.
   */
  async ensureAdmin(): Promise<void> {
    await this.db.underStartupLock(() => this.createFirstAdmin());
  }

  private async createFirstAdmin(): Promise<void> {
    const existing = await this.db.manager.count(User, { where: { role: 'admin' } });
    if (existing > 0) return;
    const email = (this.config.adminEmail ?? 'admin@kpac.local').toLowerCase();
    const generated = !this.config.adminPassword;
    const password = this.config.adminPassword ?? randomBytes(12).toString('base64url');
    const passwordHash = await hashPassword(password);
    const created = await this.db.transaction(async (uow) => {
      const em = uow.em;
      if ((await em.count(User, { where: { role: 'admin' } })) > 0) return false;
      const res = await em.insert(User, { email, passwordHash, role: 'admin', active: true, tokenVersion: 0, createdAt: this.clock.now() });
      this.audit.record(uow, { actor: SYSTEM_ACTOR, action: 'user.bootstrap_admin', entity: 'user', entityId: res.identifiers[0].id });
      return true;
    });
    // Another instance created it first: its password is the one printed there, not this one.
    if (!created) return;
    if (generated) {
      // Printed once, on the start that creates the account; it is not stored anywhere in clear.
      // At a terminal (never in production) it is framed so it is not lost among the start-up lines;
      // elsewhere it stays the one line it always was.
      this.logger.warn(
        this.config.logPretty
          ? framed(['First start: an administrator account was created.', '', `  e-mail:    ${email}`, `  password:  ${password}`, '', 'Log in and keep the password safe: it will not be shown again.'])
          : `Created admin ${email} with generated password: ${password} — log in and keep it safe; it will not be shown again`,
      );
    } else {
      this.logger.log(`Created admin ${email} from ADMIN_EMAIL/ADMIN_PASSWORD`);
    }
  }

  async list(): Promise<UserView[]> {
    return (await this.db.manager.find(User, { order: { id: 'ASC' } })).map(view);
  }

  async create(actor: Actor, dto: CreateUserDto): Promise<UserView> {
    const email = dto.email.trim().toLowerCase();
    checkRoleLinks(dto);
    const passwordHash = await hashPassword(dto.password);
    const duplicate = 'An account with this e-mail already exists';
    return conflictOnDuplicate(() => this.db.transaction(async (uow) => {
      const em = uow.em;
      if (dto.memberId && !(await em.findOne(Member, { where: { id: dto.memberId } }))) throw invalid(`memberId ${dto.memberId} does not exist`, { field: 'memberId', reason: 'unknown' });
      if (dto.facilityId && !(await em.findOne(Facility, { where: { id: dto.facilityId } }))) throw invalid(`facilityId ${dto.facilityId} does not exist`, { field: 'facilityId', reason: 'unknown' });
      if (await em.findOne(User, { where: { email } })) throw new DomainError('CONFLICT', duplicate, { field: 'email', reason: 'taken' });
      const user = await em.save(
        User,
        em.create(User, {
          email,
          passwordHash,
          role: dto.role,
          memberId: dto.memberId ?? null,
          facilityId: dto.facilityId ?? null,
          language: dto.language ?? null,
          active: true,
          tokenVersion: 0,
          createdAt: this.clock.now(),
        }),
      );
      this.audit.record(uow, {
        actor,
        action: 'user.create',
        entity: 'user',
        entityId: user.id,
        details: { role: user.role, memberId: user.memberId, facilityId: user.facilityId },
      });
      return view(user);
    }), duplicate);
  }

  async update(actor: Actor, id: number, dto: UpdateUserDto): Promise<UserView> {
    if (dto.role === undefined && (dto.memberId !== undefined || dto.facilityId !== undefined)) {
      throw invalid('memberId and facilityId change only together with role');
    }
    if (dto.role !== undefined) {
      checkRoleLinks({ role: dto.role, memberId: dto.memberId, facilityId: dto.facilityId });
      if (id === actor.userId) throw invalid('You cannot change your own role; ask another admin');
    }
    const passwordHash = dto.password ? await hashPassword(dto.password) : undefined;
    return this.db.transaction(async (uow) => {
      const em = uow.em;
      const user = await em.findOne(User, { where: { id } });
      if (!user) throw notFound('User');
      if (dto.memberId && !(await em.findOne(Member, { where: { id: dto.memberId } }))) throw invalid(`memberId ${dto.memberId} does not exist`, { field: 'memberId', reason: 'unknown' });
      if (dto.facilityId && !(await em.findOne(Facility, { where: { id: dto.facilityId } }))) throw invalid(`facilityId ${dto.facilityId} does not exist`, { field: 'facilityId', reason: 'unknown' });
      const changed: string[] = [];
      if (dto.active !== undefined && dto.active !== user.active) {
        user.active = dto.active;
        changed.push('active');
      }
      if (passwordHash) {
        user.passwordHash = passwordHash;
        changed.push('password');
      }
      if (dto.role !== undefined && (dto.role !== user.role || (dto.memberId ?? null) !== user.memberId || (dto.facilityId ?? null) !== user.facilityId)) {
        user.role = dto.role;
        user.memberId = dto.memberId ?? null;
        user.facilityId = dto.facilityId ?? null;
        changed.push('role');
      }
      if (dto.language !== undefined && dto.language !== user.language) {
        user.language = dto.language;
        changed.push('language');
      }
      await em.save(User, user);
      // Any change of access or password ends every session and token already issued.
      if (changed.some((c) => c !== 'language')) await this.sessions.revokeAll(em, [id]);
      this.audit.record(uow, {
        actor,
        action: 'user.update',
        entity: 'user',
        entityId: id,
        details: { changed, ...(changed.includes('role') ? { role: user.role, memberId: user.memberId, facilityId: user.facilityId } : {}) },
      });
      return view((await em.findOne(User, { where: { id } }))!);
    });
  }

  /**
   * Removes an account's second factor and recovery codes (a lost phone) and ends its sessions;
   * at the next login it sets one up again where one is required. Audited.
   */
  async resetSecondFactor(actor: Actor, id: number): Promise<UserView> {
    return this.db.transaction(async (uow) => {
      const em = uow.em;
      const user = await em.findOne(User, { where: { id } });
      if (!user) throw notFound('User');
      const had = user.totpSecretEnc !== null;
      await this.secondFactor.disable(em, id);
      await this.sessions.revokeAll(em, [id]);
      this.audit.record(uow, { actor, action: 'user.2fa_reset', entity: 'user', entityId: id, details: { hadSecondFactor: had } });
      return view((await em.findOne(User, { where: { id } }))!);
    });
  }
}
