import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outcomes in words (issue 13): the member recording an outcome may write what changed, in plain
 * words, for the complainant; `/track` shows it above the confirmation question. Cleared with the
 * outcome on a reopen (the words belong to that outcome only).
 *
 * Plain ALTER TABLE on both dialects: TypeORM's SQLite addColumn rebuilds the table, which would
 * drop the statistics triggers on complaints.
 */
export class OutcomePublicNote1764000008000 implements MigrationInterface {
  name = 'OutcomePublicNote1764000008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE complaints ADD COLUMN outcome_public_note text NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE complaints DROP COLUMN outcome_public_note');
  }
}
