import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * idx_escalations_sla (facility_id, created_at, responded_at) is a prefix of idx_escalations_stats
 * (facility_id, created_at, responded_at, due_at, response_state, city_id): every query it could
 * serve, the longer one serves too, and each escalation write paid for both.
 */
export class Tidy1764000007000 implements MigrationInterface {
  name = 'Tidy1764000007000';

  async up(q: QueryRunner): Promise<void> {
    await q.dropIndex('escalations', 'idx_escalations_sla');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.createIndex('escalations', new TableIndex({ name: 'idx_escalations_sla', columnNames: ['facility_id', 'created_at', 'responded_at'] }));
  }
}
