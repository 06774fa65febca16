import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { randomToken, sha256Hex } from '../common/crypto';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { queryRows } from '../database/sql';
import { User } from '../users/user.entity';
import { AuthChallenge } from './auth-challenge.entity';
import { StaffSession } from './staff-session.entity';

/** A web session ends 12 hours after login, however much it is used. */
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** Last use is written at most once a minute, so page views do not each cost a write. */
const TOUCH_EVERY_MS = 60 * 1000;

/**
 * Server-side web sessions, and the one way to end every session and token of an account.
 * The cookie holds a 256-bit random id; the table holds its SHA-256 only.
 */
@Injectable()
export class StaffSessions {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Deletes sessions that can no longer be used (past their 12 hours or idle too long), of
   * accounts that may never log in again; returns how many. Hourly (`auth.prune`).
   */
  async prune(): Promise<number> {
    const now = this.clock.now().getTime();
    const gone = await this.db.transaction(({ em }) =>
      queryRows(em, 'DELETE FROM staff_sessions WHERE expires_at <= $1 OR last_used_at <= $2 RETURNING id', [now, now - this.config.sessionIdleMinutes * 60_000]),
    );
    return gone.length;
  }

  /** Starts a session for the account and returns the id for the cookie. */
  async create(user: User): Promise<string> {
    const id = randomToken(32);
    const now = this.clock.now();
    await this.db.transaction(async (uow) => {
      const em = uow.em;
      // Ended sessions of this account are tidied away whenever it logs in again.
      await queryRows(em, 'DELETE FROM staff_sessions WHERE user_id = $1 AND expires_at <= $2', [user.id, now.getTime()]);
      await em.insert(StaffSession, {
        tokenHash: sha256Hex(id),
        userId: user.id,
        tokenVersion: user.tokenVersion,
        createdAt: now,
        lastUsedAt: now,
        expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
      });
    });
    return id;
  }

  /**
   * The account of a live session, or null: unknown id, past its 12 hours, unused for longer
   * than SESSION_IDLE_MINUTES, or the account was deactivated or had its sessions revoked since.
   */
  async resolve(id: string): Promise<User | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const session = await this.db.manager.findOne(StaffSession, { where: { tokenHash: sha256Hex(id) } });
    if (!session) return null;
    const now = this.clock.now().getTime();
    const idle = now - session.lastUsedAt.getTime() >= this.config.sessionIdleMinutes * 60_000;
    const user = idle || now >= session.expiresAt.getTime() ? null : await this.db.manager.findOne(User, { where: { id: session.userId } });
    if (!user || !user.active || user.tokenVersion !== session.tokenVersion) {
      await this.db.transaction(({ em }) => em.delete(StaffSession, { id: session.id }));
      return null;
    }
    if (now - session.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
      await this.db.transaction(({ em }) => em.update(StaffSession, { id: session.id }, { lastUsedAt: new Date(now) }));
    }
    return user;
  }

  /**
   * Ends every web session, bearer token and pending login step of these accounts at once: the
   * token version all of them carry moves on, and the rows go. Runs in the caller's transaction.
   */
  async revokeAll(em: EntityManager, userIds: number[]): Promise<void> {
    for (const userId of userIds) {
      await queryRows(em, 'UPDATE users SET token_version = token_version + 1 WHERE id = $1', [userId]);
      await em.delete(StaffSession, { userId });
      await em.delete(AuthChallenge, { userId });
    }
  }

  /** The accounts of a council member (a term that ends ends their sessions). */
  async revokeMember(em: EntityManager, memberId: number): Promise<void> {
    const users = await em.find(User, { where: { memberId }, select: { id: true } });
    await this.revokeAll(em, users.map((u) => u.id));
  }
}
