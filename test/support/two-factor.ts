import { generateSync } from 'otplib';
import { TOTP_PERIOD_S, totpStepAt } from '../../src/auth/totp';
import type { FakeClock } from '../../src/common/clock';
import type { Database } from '../../src/database/database.service';
import { User } from '../../src/users/user.entity';

/**
 * Tests hold the TOTP secrets the service handed out at enrolment and compute codes the way an
 * authenticator app does, at the app's FakeClock time (the service verifies against that clock).
 */

/** The code of the step `stepOffset` steps from `at`. */
export function totpAt(secret: string, at: Date, stepOffset = 0): string {
  return generateSync({ secret, epoch: Math.floor(at.getTime() / 1000) + stepOffset * TOTP_PERIOD_S });
}

export interface Enrolled {
  secret: string;
  recoveryCodes: string[];
}

/** Per database (an app restarted on the same data keeps them) and e-mail. */
const enrolled = new Map<string, Enrolled>();
export const enrolledKey = (database: string, email: string) => `${database}|${email.trim().toLowerCase()}`;
export const enrolledGet = (database: string, email: string) => enrolled.get(enrolledKey(database, email));
export const enrolledSet = (database: string, email: string, value: Enrolled) => enrolled.set(enrolledKey(database, email), value);

/**
 * A code the service will take now: of the steps in reach (one either side of now), the first
 * after the last step the account used. Each code is good once, so when all three are spent the
 * clock moves on one step (30 s) — rarely: only a fourth login of one account at one moment.
 */
export async function nextTotp(db: Database, clock: FakeClock, email: string, secret: string): Promise<string> {
  const user = await db.manager.findOneOrFail(User, { where: { email: email.trim().toLowerCase() } });
  for (;;) {
    const now = clock.now();
    const current = totpStepAt(now);
    for (const offset of [-1, 0, 1]) {
      if (user.totpLastStep === null || current + offset > user.totpLastStep) return totpAt(secret, now, offset);
    }
    clock.advanceMs(TOTP_PERIOD_S * 1000);
  }
}
