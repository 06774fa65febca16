import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { FieldCipher, randomToken, sha256Hex } from '../common/crypto';
import { keyRingFor } from '../keys/key-ring';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { bulkInsert, queryRows } from '../database/sql';
import { User } from '../users/user.entity';
import { AuthChallenge, ChallengePurpose } from './auth-challenge.entity';
import { RecoveryCode } from './recovery-code.entity';
import { asRecoveryCode, asTotpCode, matchTotp, newRecoveryCodes, newTotpSecret } from './totp';

/** Enrolment tokens and second-step challenges live this long. */
export const CHALLENGE_TTL_MS = 10 * 60 * 1000;

export type SecondFactorUsed = 'totp' | 'recovery';

/** Associated data binding each TOTP ciphertext to its row. */
export const totpAad = (userId: number) => `users.totp_secret_enc:${userId}`;
const challengeAad = (tokenHash: string) => `auth_challenges.secret_enc:${tokenHash}`;

/**
 * The second factor: TOTP secrets (encrypted at rest with their own key), codes accepted once,
 * single-use recovery codes kept as keyed hashes, and the short-lived challenges of a login.
 * Time comes from the injected clock, so tests compute the same codes the service expects.
 */
@Injectable()
export class SecondFactorService {
  private readonly cipher: FieldCipher;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.cipher = keyRingFor(config).cipher('totp');
  }

  /** TWO_FACTOR=admins: admins and facility administrators must have one; `all`: everyone. */
  required(user: User): boolean {
    return this.config.twoFactor === 'all' || user.role !== 'kpac_member';
  }

  enrolled(user: User): boolean {
    return user.totpSecretEnc !== null;
  }

  /**
   * Checks a TOTP code or a recovery code of an enrolled account and uses it up. The check and
   * the write are one statement each, so two requests can never both spend the same code.
   */
  async consume(user: User, input: string): Promise<SecondFactorUsed | null> {
    if (!user.totpSecretEnc) return null;
    if (asTotpCode(input)) {
      const secret = this.cipher.decrypt(user.totpSecretEnc, totpAad(user.id));
      return this.db.transaction(async (uow) => {
        const em = uow.em;
        const fresh = await em.findOne(User, { where: { id: user.id }, select: { id: true, totpLastStep: true } });
        const step = matchTotp(secret, input, this.clock.now(), fresh?.totpLastStep ?? null);
        if (step === null) return null;
        const rows = await queryRows(
          em,
          'UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1) RETURNING id',
          [step, user.id],
        );
        return rows.length ? 'totp' : null;
      });
    }
    const code = asRecoveryCode(input);
    if (!code) return null;
    const rows = await this.db.transaction(({ em }) =>
      queryRows(em, 'UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL RETURNING id', [
        this.clock.now().getTime(),
        user.id,
        this.recoveryHash(user.id, code),
      ]),
    );
    return rows.length ? 'recovery' : null;
  }

  async recoveryCodesLeft(userId: number): Promise<number> {
    return this.db.manager.createQueryBuilder(RecoveryCode, 'r').where('r.user_id = :userId AND r.used_at IS NULL', { userId }).getCount();
  }

  /** A new single-use challenge of this account; returns the token (only its hash is kept). */
  async createChallenge(userId: number, purpose: ChallengePurpose): Promise<string> {
    const token = randomToken(32);
    const now = this.clock.now();
    await this.db.transaction(async (uow) => {
      const em = uow.em;
      await queryRows(em, 'DELETE FROM auth_challenges WHERE user_id = $1 AND expires_at <= $2', [userId, now.getTime()]);
      await em.insert(AuthChallenge, {
        tokenHash: sha256Hex(token),
        userId,
        purpose,
        secretEnc: null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS),
      });
    });
    return token;
  }

  /** The live challenge of this token and purpose, or null (unknown, used or expired). */
  async findChallenge(token: string, purpose: ChallengePurpose): Promise<AuthChallenge | null> {
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const found = await this.db.manager.findOne(AuthChallenge, { where: { tokenHash: sha256Hex(token) } });
    if (!found || found.purpose !== purpose || found.expiresAt.getTime() <= this.clock.now().getTime()) return null;
    return found;
  }

  /** Uses a challenge up inside the caller's transaction; false if another request got there first. */
  async spendChallenge(em: EntityManager, challenge: AuthChallenge): Promise<boolean> {
    return (await queryRows(em, 'DELETE FROM auth_challenges WHERE id = $1 RETURNING id', [challenge.id])).length > 0;
  }

  /** The secret an enrolment token stands for: generated on first asking, the same on every later one. */
  async pendingSecret(challenge: AuthChallenge): Promise<string> {
    if (challenge.secretEnc) return this.cipher.decrypt(challenge.secretEnc, challengeAad(challenge.tokenHash));
    const secret = newTotpSecret();
    const stored = await this.db.transaction(async (uow) => {
      const em = uow.em;
      await queryRows(em, 'UPDATE auth_challenges SET secret_enc = $1 WHERE id = $2 AND secret_enc IS NULL', [
        this.cipher.encrypt(secret, challengeAad(challenge.tokenHash)),
        challenge.id,
      ]);
      return em.findOne(AuthChallenge, { where: { id: challenge.id } });
    });
    if (!stored?.secretEnc) return secret;
    return this.cipher.decrypt(stored.secretEnc, challengeAad(stored.tokenHash));
  }

  /** The time step a code for the pending secret belongs to, or null. */
  matchPending(secret: string, otp: string): number | null {
    return matchTotp(secret, otp, this.clock.now(), null);
  }

  /**
   * Turns the second factor on with this secret (the step of the confirming code counts as used)
   * and replaces the recovery codes; returns the new codes, in clear this once. False from
   * `enabled` when the account already had one (another enrolment won).
   */
  async enable(em: EntityManager, userId: number, secret: string, step: number): Promise<{ enabled: boolean; recoveryCodes: string[] }> {
    const now = this.clock.now();
    const rows = await queryRows(
      em,
      'UPDATE users SET totp_secret_enc = $1, totp_enabled_at = $2, totp_last_step = $3 WHERE id = $4 AND totp_secret_enc IS NULL RETURNING id',
      [this.cipher.encrypt(secret, totpAad(userId)), now.getTime(), step, userId],
    );
    if (!rows.length) return { enabled: false, recoveryCodes: [] };
    const recoveryCodes = newRecoveryCodes();
    await em.delete(RecoveryCode, { userId });
    await bulkInsert(
      em,
      RecoveryCode,
      recoveryCodes.map((c) => ({ userId, codeHash: this.recoveryHash(userId, asRecoveryCode(c)!), usedAt: null, createdAt: now })),
    );
    return { enabled: true, recoveryCodes };
  }

  /** Removes the second factor and its recovery codes (an admin's reset); inside the caller's transaction. */
  async disable(em: EntityManager, userId: number): Promise<void> {
    await em.update(User, { id: userId }, { totpSecretEnc: null, totpEnabledAt: null, totpLastStep: null });
    await em.delete(RecoveryCode, { userId });
  }

  private recoveryHash(userId: number, code: string): string {
    // Recovery codes are long random strings: a plain hash (no key) keeps them valid across a key rotation.
    return sha256Hex(`recovery:${userId}:${code}`);
  }

  /** Deletes expired login steps (enrolment tokens, second steps) of accounts that never came back; returns how many. */
  async pruneChallenges(): Promise<number> {
    const gone = await this.db.transaction(({ em }) => queryRows(em, 'DELETE FROM auth_challenges WHERE expires_at <= $1 RETURNING id', [this.clock.now().getTime()]));
    return gone.length;
  }
}
