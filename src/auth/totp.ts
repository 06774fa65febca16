import { generateSecret, generateURI, verifySync } from 'otplib';
import { randomBytes } from 'node:crypto';

/** RFC 6238 as every authenticator app reads it: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_S = 30;
export const TOTP_DIGITS = 6;
export const TOTP_ISSUER = 'KPAC tracker';
export const RECOVERY_CODE_COUNT = 10;

/** A new 160-bit secret, base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI of the QR code, with every parameter spelled out for apps that ignore defaults. */
export function totpUri(secret: string, account: string): string {
  const uri = new URL(generateURI({ issuer: TOTP_ISSUER, label: account, secret }));
  uri.searchParams.set('algorithm', 'SHA1');
  uri.searchParams.set('digits', String(TOTP_DIGITS));
  uri.searchParams.set('period', String(TOTP_PERIOD_S));
  return uri.toString();
}

export const totpStepAt = (now: Date): number => Math.floor(now.getTime() / 1000 / TOTP_PERIOD_S);

/** Six digits, with the spaces some apps show inside them removed. */
export function asTotpCode(input: string): string | null {
  const code = input.replace(/\s+/g, '');
  return /^\d{6}$/.test(code) ? code : null;
}

/**
 * The time step a code belongs to, if it is the code of the step of `now` or one step either
 * side (clock drift) and of a step after `lastStep` (a code is good once, ASVS 6.5.1); else null.
 */
export function matchTotp(secret: string, input: string, now: Date, lastStep: number | null): number | null {
  const token = asTotpCode(input);
  if (!token) return null;
  const epoch = Math.floor(now.getTime() / 1000);
  // Every step in reach is used up already (otplib refuses such an afterTimeStep outright).
  if (lastStep !== null && lastStep >= totpStepAt(now) + 1) return null;
  try {
    const result = verifySync({
      secret,
      token,
      epoch,
      epochTolerance: TOTP_PERIOD_S,
      ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  } catch {
    return null;
  }
}

/** 32 letters and digits without l, o, 0 and 1, so each character is 5 unbiased bits. */
const RECOVERY_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** Ten codes like `k7m2p-x9qrt` (50 random bits each), to be shown once and stored hashed. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(10);
    const chars = Array.from(bytes, (b) => RECOVERY_ALPHABET[b & 31]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** A recovery code as typed (any case, with or without the dash or spaces), or null if it cannot be one. */
export function asRecoveryCode(input: string): string | null {
  const code = input.toLowerCase().replace(/[\s-]+/g, '');
  return /^[a-z0-9]{10}$/.test(code) ? code : null;
}
