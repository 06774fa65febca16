import type { AddressInfo } from 'node:net';
import { simpleParser, ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  messageId: string;
  to: string[];
  subject: string;
  text: string;
  raw: string;
}

type Mode = 'accept' | 'tempfail' | 'reject';

/**
 * An in-process SMTP server over loopback (the real protocol, via smtp-server) that keeps what it
 * accepted, parsed with mailparser. `mode` makes it answer 421 (try later) or 550 (rejected) to
 * MAIL FROM, so tests see how the service treats transient and permanent failures.
 */
export class TestSmtp {
  readonly mails: ReceivedMail[] = [];
  mode: Mode = 'accept';
  /** MAIL FROM commands seen, including refused ones. */
  attempts = 0;
  /** Recipients answered with 550 at RCPT TO (a dead mailbox), and how often each was tried. */
  readonly rejectRecipients = new Set<string>();
  readonly rcptAttempts = new Map<string, number>();
  /** What the server says when it refuses a recipient (real servers often quote addresses here). */
  rejectText = 'Mailbox unavailable';
  /** Slows acceptance of each message (to catch a worker mid-batch). */
  dataDelayMs = 0;
  private server!: SMTPServer;
  port = 0;
  private waiters: Array<() => void> = [];

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 1024 * 1024,
      onMailFrom: (_address, _session, cb) => {
        this.attempts++;
        if (this.mode === 'tempfail') return cb(Object.assign(new Error('Service not available, try again later'), { responseCode: 421 }));
        if (this.mode === 'reject') return cb(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
        cb();
      },
      onRcptTo: (address, _session, cb) => {
        const addr = address.address.toLowerCase();
        this.rcptAttempts.set(addr, (this.rcptAttempts.get(addr) ?? 0) + 1);
        if (this.rejectRecipients.has(addr)) return cb(Object.assign(new Error(this.rejectText), { responseCode: 550 }));
        cb();
      },
      onData: (stream, _session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          new Promise((r) => setTimeout(r, this.dataDelayMs))
            .then(() => simpleParser(raw))
            .then((parsed: ParsedMail) => {
              const to = ([] as { value: { address?: string }[] }[])
                .concat((parsed.to as never) ?? [])
                .flatMap((a) => a.value.map((v) => v.address ?? ''));
              this.mails.push({ messageId: parsed.messageId ?? '', to, subject: parsed.subject ?? '', text: parsed.text ?? '', raw: raw.toString('utf8') });
              const w = this.waiters;
              this.waiters = [];
              w.forEach((f) => f());
              cb();
            })
            .catch((err: Error) => cb(err));
        });
      },
    });
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Waits until `predicate` holds over the received mails (or throws after `ms`). */
  async waitFor(predicate: (mails: ReceivedMail[]) => boolean, ms = 15_000, what = 'mails'): Promise<ReceivedMail[]> {
    const deadline = Date.now() + ms;
    while (!predicate(this.mails)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out waiting for ${what}; received ${this.mails.length}: ${this.mails.map((m) => m.messageId).join(', ')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.mails;
  }

  byMessageId(prefix: string): ReceivedMail[] {
    return this.mails.filter((m) => m.messageId.startsWith(`<${prefix}`));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
