import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { deriveKey, hmacHex } from '../common/crypto';
import { DomainError } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { queryRows } from '../database/sql';

/** Failed logins allowed per account, and per client address, in one window. */
export const MAX_LOGIN_FAILURES = 5;
export const MAX_ADDRESS_FAILURES = 20;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;

/** The two counters one login attempt was charged to. */
export interface LoginReservation {
  account: string;
  address: string;
}

const BUMP = `INSERT INTO login_failures ("key", count, window_start) VALUES ($1, 1, $2)
  ON CONFLICT ("key") DO UPDATE SET
    count = CASE WHEN login_failures.window_start <= $3 THEN 1 ELSE login_failures.count + 1 END,
    window_start = CASE WHEN login_failures.window_start <= $3 THEN $2 ELSE login_failures.window_start END
  RETURNING count`;

/**
 * Counts every login attempt before its password (or code) is checked, atomically, so parallel
 * guesses cannot all slip in under the limit while the slow hash runs. An attempt that turns out
 * not to be a failure (a right password) is given back afterwards. Keys are keyed hashes of the
 * e-mail (existing or not: the same answer either way) and of the client address.
 */
@Injectable()
export class LoginThrottle {
  private readonly key: Buffer;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.key = deriveKey(config.appSecret, 'login-throttle');
  }

  /** Charges one attempt to the account and the address; 429 once either is over its limit. */
  async reserve(email: string, address: string): Promise<LoginReservation> {
    const reservation = { account: hmacHex(this.key, `account:${email}`), address: hmacHex(this.key, `address:${address}`) };
    const now = this.clock.now().getTime();
    const refusal = await this.db.transaction(async (uow) => {
      const em = uow.em;
      const bump = async (key: string) => Number((await queryRows<{ count: number | string }>(em, BUMP, [key, now, now - LOGIN_WINDOW_MS]))[0].count);
      // The address first: an address over its limit charges nothing more to the account it tries.
      if ((await bump(reservation.address)) > MAX_ADDRESS_FAILURES) return 'address';
      if ((await bump(reservation.account)) > MAX_LOGIN_FAILURES) return 'account';
      return null;
    });
    if (refusal === 'account') throw new DomainError('TOO_MANY_REQUESTS', 'Too many failed logins for this account; try again in 15 minutes', { reason: 'account' });
    if (refusal === 'address') throw new DomainError('TOO_MANY_REQUESTS', 'Too many failed logins from this address; try again in 15 minutes', { reason: 'address' });
    return reservation;
  }

  /**
   * The attempt was not a failure: it is taken back from both counters. `success` (a completed
   * login) clears the account's count; a right password still waiting for its second factor only
   * gives its own attempt back, so it cannot wipe the count of wrong codes.
   */
  async release(reservation: LoginReservation, opts: { success: boolean }): Promise<void> {
    await this.db.transaction(async (uow) => {
      const em = uow.em;
      await queryRows(em, 'UPDATE login_failures SET count = count - 1 WHERE "key" = $1 AND count > 0', [reservation.address]);
      if (opts.success) await queryRows(em, 'DELETE FROM login_failures WHERE "key" = $1', [reservation.account]);
      else await queryRows(em, 'UPDATE login_failures SET count = count - 1 WHERE "key" = $1 AND count > 0', [reservation.account]);
    });
  }

  /** Deletes counters whose window has passed (a new attempt would start them at 1 anyway); returns how many. */
  async prune(): Promise<number> {
    const gone = await this.db.transaction(({ em }) => queryRows(em, 'DELETE FROM login_failures WHERE window_start <= $1 RETURNING "key"', [this.clock.now().getTime() - LOGIN_WINDOW_MS]));
    return gone.length;
  }
}
