import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity flows: an escalation records whether identity went (`identity_disclosed`, decided by
 * the access policy when the escalation is made). Delivery errors keep the SMTP reply code and a
 * short class only; earlier rows held the server's free text, which could quote addresses.
 */
export class IdentityFlows1764000004000 implements MigrationInterface {
  name = 'IdentityFlows1764000004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE escalations RENAME COLUMN disclose_identity TO identity_disclosed');
    // Rungs above the first never carried identity by right; the recorded value follows the rule.
    await q.query('UPDATE escalations SET identity_disclosed = false WHERE rung > 1');
    for (const table of ['mail_sends', 'escalations']) {
      await q.query(`UPDATE ${table} SET last_error = 'unknown' WHERE last_error IS NOT NULL`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE escalations RENAME COLUMN identity_disclosed TO disclose_identity');
  }
}
