import { Inject, Injectable } from '@nestjs/common';
import { FieldCipher, randomToken, sha256Hex } from '../common/crypto';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { keyRingFor } from '../keys/key-ring';
import type { Escalation } from './escalation.entity';

export const tokenAad = (escalationId: number) => `escalations.token_enc.${escalationId}`;

/** The one answer for every dead response link: it reveals nothing about the case. */
export const DEAD_LINK = 'This link is no longer valid; please contact the council';

/**
 * The e-mailed response link: a 256-bit random token, stored as its SHA-256 (to find the
 * escalation) and encrypted (so reminders can repeat the same link) until the link is no longer
 * needed. Links are built from PUBLIC_URL only, never from a request's Host header.
 */
@Injectable()
export class ResponseLinks {
  private readonly cipher: FieldCipher;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.cipher = keyRingFor(config).cipher('response-link');
  }

  /** A new token: what goes in the mail, what the row stores. Bound to the escalation's id. */
  issue(escalationId: number): { token: string; tokenHash: string; tokenEnc: string } {
    const token = randomToken(32);
    return { token, tokenHash: sha256Hex(token), tokenEnc: this.cipher.encrypt(token, tokenAad(escalationId)) };
  }

  hash(token: string): string {
    return sha256Hex(token);
  }

  /** The token of a live link, for a reminder; null once the link is no longer needed. */
  open(esc: Pick<Escalation, 'id' | 'tokenEnc'>): string | null {
    return esc.tokenEnc ? this.cipher.decrypt(esc.tokenEnc, tokenAad(esc.id)) : null;
  }

  url(token: string): string {
    return `${this.config.publicUrl}/respond/${token}`;
  }
}
