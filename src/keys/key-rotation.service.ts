import { Injectable } from '@nestjs/common';
import { SYSTEM_ACTOR } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { contactAad, notifyChatAad } from '../complaints/contact-cipher';
import { Database } from '../database/database.service';
import { queryRows } from '../database/sql';
import { tokenAad } from '../escalations/response-links';
import { totpAad } from '../auth/second-factor.service';
import { conversationAad } from '../telegram/telegram-crypto';
import { CipherPurpose, wrapAad } from './key-ring';
import { KeyRingService } from './key-ring.service';

/** A column of envelopes written by one purpose's cipher, with the associated data of each row. */
export interface RotationTarget {
  purpose: CipherPurpose;
  table: string;
  idColumn: string;
  column: string;
  aad: (id: string | number) => string;
}

/**
 * Every stored envelope. A new cipher purpose (e.g. `totp` for second-factor secrets) is added to
 * CIPHER_PURPOSES and gets its column here; a test checks that each purpose has one.
 */
export const ROTATION_TARGETS: RotationTarget[] = [
  { purpose: 'contact', table: 'complaints', idColumn: 'id', column: 'contact_enc', aad: (id) => contactAad(Number(id)) },
  { purpose: 'response-link', table: 'escalations', idColumn: 'id', column: 'token_enc', aad: (id) => tokenAad(Number(id)) },
  { purpose: 'totp', table: 'users', idColumn: 'id', column: 'totp_secret_enc', aad: (id) => totpAad(Number(id)) },
  { purpose: 'telegram', table: 'complaints', idColumn: 'id', column: 'notify_chat_enc', aad: (id) => notifyChatAad(Number(id)) },
  { purpose: 'telegram', table: 'telegram_conversations', idColumn: 'chat_key', column: 'state_enc', aad: (id) => conversationAad(String(id)) },
  { purpose: 'key-wrap', table: 'encryption_keys', idColumn: 'kid', column: 'key_enc', aad: (id) => wrapAad(String(id)) },
];

export interface TargetReport {
  purpose: CipherPurpose;
  table: string;
  column: string;
  /** Envelopes not under the current secret when the run began. */
  pending: number;
  rotated: number;
  /** Rows whose envelope no configured secret opens (ids only). */
  failed: (string | number)[];
  /** Envelopes still not under the current secret after the run (0 when it is done). */
  remaining: number;
}

export interface RotationReport {
  targets: TargetReport[];
  /** Every envelope is under the current secret: APP_SECRET_PREVIOUS can be removed. */
  complete: boolean;
  retiredKids: number;
}

export type RotationProgress = (purpose: CipherPurpose, done: number, total: number) => void;

/**
 * Re-encrypts every stored envelope under the current secret's key, in batches. Each batch is one
 * transaction that re-reads its rows and writes a row only if it still holds the envelope just
 * decrypted, so the service can keep writing meanwhile; rows already under the current secret are
 * skipped, so a run stopped half-way (a crash, ^C) is simply run again. Audited at start and end.
 */
@Injectable()
export class KeyRotationService {
  constructor(
    private readonly db: Database,
    private readonly keys: KeyRingService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Envelopes per target not yet under the current secret. */
  async pending(): Promise<{ target: RotationTarget; count: number }[]> {
    const out = [];
    for (const target of ROTATION_TARGETS) out.push({ target, count: await this.countPending(target) });
    return out;
  }

  async rotate(opts: { batchSize?: number; onProgress?: RotationProgress } = {}): Promise<RotationReport> {
    const batchSize = opts.batchSize ?? 500;
    const pending = await this.pending();
    await this.db.transaction((uow) =>
      this.audit.record(uow, {
        actor: SYSTEM_ACTOR,
        action: 'keys.rotation_started',
        entity: 'encryption_key',
        details: { pending: Object.fromEntries(pending.map((p) => [p.target.purpose, p.count])), secrets: this.keys.ring.secrets.length },
      }),
    );
    const targets: TargetReport[] = [];
    for (const { target, count } of pending) {
      const report: TargetReport = { purpose: target.purpose, table: target.table, column: target.column, pending: count, rotated: 0, failed: [], remaining: 0 };
      opts.onProgress?.(target.purpose, 0, count);
      let after: string | number | null = null;
      for (;;) {
        const batch = await this.rotateBatch(target, after, batchSize);
        if (!batch.seen) break;
        after = batch.last;
        report.rotated += batch.rotated;
        report.failed.push(...batch.failed);
        opts.onProgress?.(target.purpose, Math.min(count, report.rotated + report.failed.length), count);
      }
      report.remaining = await this.countPending(target);
      targets.push(report);
    }
    const complete = targets.every((t) => t.remaining === 0);
    let retiredKids = 0;
    await this.db.transaction(async (uow) => {
      const em = uow.em;
      if (complete) {
        // Nothing is left under any other secret: their key ids are history from now on.
        const old = this.keys.ring.recordsNotOfCurrentSecret().filter((r) => !r.retiredAt).map((r) => r.kid);
        if (old.length) {
          const now = this.clock.now().getTime();
          const rows = await queryRows(
            em,
            `UPDATE encryption_keys SET retired_at = $1 WHERE retired_at IS NULL AND kid IN (${old.map((_, i) => `$${i + 2}`).join(', ')}) RETURNING kid`,
            [now, ...old],
          );
          retiredKids = rows.length;
        }
      }
      this.audit.record(uow, {
        actor: SYSTEM_ACTOR,
        action: 'keys.rotation_finished',
        entity: 'encryption_key',
        details: {
          rotated: Object.fromEntries(targets.map((t) => [t.purpose, t.rotated])),
          failed: Object.fromEntries(targets.map((t) => [t.purpose, t.failed.length])),
          remaining: Object.fromEntries(targets.map((t) => [t.purpose, t.remaining])),
          complete,
          retiredKids,
        },
      });
    });
    return { targets, complete, retiredKids };
  }

  /** `WHERE` text for "holds an envelope not under the current secret", with its parameters from `$first`. */
  private notCurrent(target: RotationTarget, first: number): { sql: string; params: string[] } {
    const prefixes = this.keys.ring.currentSecretKids(target.purpose).map((kid) => `v1:${kid}:`);
    // SUBSTR rather than LIKE: key ids are base64url, and `_` is a LIKE wildcard.
    const matches = prefixes.map((p, i) => `SUBSTR(${target.column}, 1, ${p.length}) = $${first + i}`);
    return { sql: `${target.column} IS NOT NULL${matches.length ? ` AND NOT (${matches.join(' OR ')})` : ''}`, params: prefixes };
  }

  private async countPending(target: RotationTarget): Promise<number> {
    const where = this.notCurrent(target, 1);
    const rows = await queryRows<{ n: string | number }>(this.db.manager, `SELECT COUNT(*) AS n FROM ${target.table} WHERE ${where.sql}`, where.params);
    return Number(rows[0].n);
  }

  private async rotateBatch(target: RotationTarget, after: string | number | null, size: number) {
    const cipher = this.keys.ring.cipher(target.purpose);
    return this.db.transaction(async (uow) => {
      const em = uow.em;
      const where = this.notCurrent(target, 1);
      const params: unknown[] = [...where.params];
      const afterSql = after === null ? '' : ` AND ${target.idColumn} > $${params.push(after)}`;
      const rows = await queryRows<{ id: string | number; value: string }>(
        em,
        `SELECT ${target.idColumn} AS id, ${target.column} AS value FROM ${target.table} WHERE ${where.sql}${afterSql} ORDER BY ${target.idColumn} LIMIT ${Math.floor(size)}`,
        params,
      );
      const failed: (string | number)[] = [];
      const updates: { id: string | number; old: string; value: string }[] = [];
      for (const row of rows) {
        try {
          const aad = target.aad(row.id);
          updates.push({ id: row.id, old: row.value, value: cipher.encrypt(cipher.decrypt(row.value, aad), aad) });
        } catch {
          failed.push(row.id);
        }
      }
      let rotated = 0;
      if (updates.length) {
        const p: unknown[] = [];
        const $ = (v: unknown) => `$${p.push(v)}`;
        const set = updates.map((u) => `WHEN ${$(u.id)} THEN ${$(u.value)}`).join(' ');
        const was = updates.map((u) => `WHEN ${$(u.id)} THEN ${$(u.old)}`).join(' ');
        const ids = updates.map((u) => $(u.id)).join(', ');
        const id = target.idColumn;
        const changed = await queryRows(
          em,
          `UPDATE ${target.table} SET ${target.column} = CASE ${id} ${set} END WHERE ${id} IN (${ids}) AND ${target.column} = CASE ${id} ${was} END RETURNING ${id}`,
          p,
        );
        rotated = changed.length;
      }
      return { seen: rows.length, last: rows.length ? rows[rows.length - 1].id : after, rotated, failed };
    });
  }
}
