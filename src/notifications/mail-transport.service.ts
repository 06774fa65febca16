import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { Transporter } from 'nodemailer';
import { UnrecoverableError } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

export interface OutgoingMail {
  to: string[];
  subject: string;
  text: string;
  /** `<esc-12-initial@domain>`: deterministic, so a resend after a crash is recognisable. */
  messageId: string;
}

/** The domain of MAIL_FROM, for Message-IDs. */
export function mailDomain(mailFrom: string): string {
  const m = mailFrom.match(/@([^>\s]+)>?\s*$/);
  return m ? m[1] : 'localhost';
}

/** A send failed in a way that retrying will not fix (SMTP 5xx, no recipients). */
export class PermanentMailError extends UnrecoverableError {
  constructor(readonly summary: string) {
    super(summary);
    this.name = 'PermanentMailError';
  }
}

/** A send failed in a way that may pass (SMTP 4xx, connection trouble). */
export class TransientMailError extends Error {
  constructor(readonly summary: string) {
    super(summary);
    this.name = 'TransientMailError';
  }
}

/** What went wrong with a send, in a word: the server refused it, asked to try later, or could not be reached. */
export type MailErrorClass = 'rejected' | 'tempfail' | 'connection';

/**
 * Turns a nodemailer error into retry / stop. The summary is the SMTP reply code and a class
 * (`550 rejected`, `421 tempfail`, `ECONNECTION connection`), never the server's text: a reply can
 * quote a recipient's address, and summaries go to the database, Redis and the API.
 */
export function classifyMailError(err: unknown): PermanentMailError | TransientMailError {
  const e = err as { responseCode?: number; code?: string };
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const label = code !== null ? String(code) : /^[A-Z_]{2,20}$/.test(e.code ?? '') ? e.code! : 'ERROR';
  if (code !== null && code >= 500 && code < 600) return new PermanentMailError(`${label} rejected`);
  if (code === null && e.code === 'EENVELOPE') return new PermanentMailError(`${label} rejected`);
  return new TransientMailError(`${label} ${code !== null && code >= 400 ? 'tempfail' : 'connection'}`);
}

/**
 * One pooled SMTP transporter from SMTP_URL, reused for every mail. Without SMTP_URL every message
 * is written as an .eml file under <DATA_DIR>/outbox/ so a newcomer can read what would be sent.
 */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly transporter: Transporter;
  readonly outboxDir: string;
  readonly files: boolean;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.outboxDir = join(config.dataDir, 'outbox');
    this.files = !config.smtpUrl;
    this.transporter = config.smtpUrl
      ? nodemailer.createTransport({
          url: config.smtpUrl,
          pool: true,
          maxConnections: 5,
          maxMessages: 1000,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
        } as never)
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  /** Resolves when the server accepted the message; throws PermanentMailError or TransientMailError. */
  async send(mail: OutgoingMail): Promise<void> {
    if (mail.to.length === 0) throw new PermanentMailError('no recipients');
    let info: { message?: Buffer };
    try {
      info = await this.transporter.sendMail({
        from: this.config.mailFrom,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    } catch (err) {
      throw classifyMailError(err);
    }
    if (this.files && info.message) {
      await mkdir(this.outboxDir, { recursive: true, mode: 0o700 });
      const name = mail.messageId.replace(/[<>]/g, '').replace(/[^A-Za-z0-9._@-]/g, '_');
      await writeFile(join(this.outboxDir, `${name}.eml`), info.message, { mode: 0o600 });
    }
  }

  onApplicationShutdown(): void {
    this.transporter.close();
  }
}
