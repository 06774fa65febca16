import { Escalation } from '../../src/escalations/escalation.entity';
import { cityByCode, seedFacility } from '../support/fixtures';
import { insertComplaints } from '../support/stats-fixtures';
import { createTestApp, TestApp, usePostgres } from '../support/test-app';

/**
 * What the migrations leave in the database for statistics: the rollup triggers (installed by
 * migrations 1764000003000, 1764000012000 and 1764000013000 and by nothing at run time), and no index that another makes redundant.
 */
describe(`statistics schema (${usePostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const query = (sql: string) => t.db.manager.query(sql) as Promise<Record<string, unknown>[]>;
  const names = (rows: Record<string, unknown>[], key: string) => rows.map((r) => String(r[key])).sort();

  it('has the rollup triggers after the migrations', async () => {
    if (usePostgres) {
      const rows = await query('SELECT tgname FROM pg_trigger WHERE NOT tgisinternal');
      expect(names(rows, 'tgname')).toEqual(['trg_ckp_stats', 'trg_complaints_stats', 'trg_escalations_stats']);
    } else {
      const rows = await query("SELECT name FROM sqlite_master WHERE type = 'trigger'");
      expect(names(rows, 'name')).toEqual([
        'trg_ckp_stats_del',
        'trg_ckp_stats_ins',
        'trg_complaints_stats_del',
        'trg_complaints_stats_ins',
        'trg_complaints_stats_upd',
        'trg_escalations_stats_del',
        'trg_escalations_stats_ins',
        'trg_escalations_stats_upd',
      ]);
    }
  });

  it('marks the month of every complaint change for recounting', async () => {
    // The months named, not the rows: PostgreSQL's trigger writes old and new on every update.
    const dirty = async () => [...new Set((await query('SELECT received_at FROM complaint_stats_dirty')).map((r) => Number(r.received_at)))].sort((a, b) => a - b);
    const march = Date.parse('2025-03-10T10:00:00Z');
    const april = Date.parse('2025-04-10T10:00:00Z');
    const cityId = (await cityByCode(t, 'BKH')).city.id;
    await query('DELETE FROM complaint_stats_dirty');

    const [id] = await insertComplaints(t, [{ cityId, receivedAt: '2025-03-10T10:00:00Z', keyPopulations: ['plhiv'] }]);
    expect(await dirty()).toEqual([march]);
    // The key population's row marks it too (a new complaint's key populations are written after it).
    await query('DELETE FROM complaint_stats_dirty');
    await query(`INSERT INTO complaint_key_populations (complaint_id, key_population) VALUES (${id}, 'migrant')`);
    expect(await dirty()).toEqual([march]);

    await query('DELETE FROM complaint_stats_dirty');
    await query(`UPDATE complaints SET status = 'in_review' WHERE id = ${id}`);
    expect(await dirty()).toEqual([march]);

    await query('DELETE FROM complaint_stats_dirty');
    await query(`UPDATE complaints SET received_at = ${april} WHERE id = ${id}`);
    // Both months change: the one it left and the one it joined.
    expect(await dirty()).toEqual([march, april]);

    await query('DELETE FROM complaint_stats_dirty');
    await query(`UPDATE complaints SET description = 'a column no statistic reads' WHERE id = ${id}`);
    expect(await dirty()).toEqual([]);

    await query(`DELETE FROM complaint_key_populations WHERE complaint_id = ${id}`);
    expect(await dirty()).toEqual([april]);

    await query('DELETE FROM complaint_stats_dirty');
    await query(`DELETE FROM complaints WHERE id = ${id}`);
    expect(await dirty()).toEqual([april]);
  });

  it('marks the month and facility of every escalation change that alters a figure, and the parent of a step up the ladder', async () => {
    const dirty = async () =>
      [...new Set((await query('SELECT created_at, facility_id FROM escalation_stats_dirty')).map((r) => `${Number(r.created_at)}/${Number(r.facility_id)}`))].sort();
    const march = Date.parse('2025-03-10T10:00:00Z');
    const may = Date.parse('2025-05-02T10:00:00Z');
    const site = await seedFacility(t, 'BKH');
    const other = await seedFacility(t, 'BKH');
    const [complaintId] = await insertComplaints(t, [{ cityId: site.cityId, receivedAt: '2025-03-10T09:00:00Z', status: 'escalated' }]);
    const row = (at: number, parent: number | null) => ({
      complaintId, cityId: site.cityId, facilityId: site.id, rung: parent ? 2 : 1, parentEscalationId: parent, summary: 'Opening hours.', discloseIdentity: false,
      dueAt: new Date(at + 864e6), deliveryState: 'sent', responseState: 'awaiting', response: null, respondedAt: null, respondedBy: null, tokenHash: null,
      tokenEnc: null, tokenExpiresAt: new Date(at + 864e6), tokenUsedAt: null, createdBy: null, createdAt: new Date(at), updatedAt: new Date(at), lastError: null,
    });
    const insert = (at: number, parent: number | null) => t.db.transaction(async ({ em }) => Number((await em.insert(Escalation, row(at, parent) as any)).identifiers[0].id));
    const after = async (sql: string) => {
      await query('DELETE FROM escalation_stats_dirty');
      await query(sql);
      return dirty();
    };
    await query('DELETE FROM escalation_stats_dirty');
    const parent = await insert(march, null);
    expect(await dirty()).toEqual([`${march}/${site.id}`]);
    await query('DELETE FROM escalation_stats_dirty');
    const child = await insert(may, parent);
    expect(await dirty()).toEqual([`${march}/${site.id}`, `${may}/${site.id}`]);
    expect(await after(`UPDATE escalations SET response_state = 'responded', responded_at = ${may + 1000} WHERE id = ${parent}`)).toEqual([`${march}/${site.id}`]);
    expect(await after(`UPDATE escalations SET last_error = 'a column no statistic reads' WHERE id = ${parent}`)).toEqual([]);
    // An awaiting escalation superseded, or its due date moved, changes no rolled-up figure
    // (awaiting ones past due are counted live): no mark. Falling overdue, and leaving overdue, do.
    expect(await after(`UPDATE escalations SET response_state = 'superseded' WHERE id = ${child}`)).toEqual([]);
    expect(await after(`UPDATE escalations SET response_state = 'awaiting', due_at = ${may + 5} WHERE id = ${child}`)).toEqual([]);
    expect(await after(`UPDATE escalations SET response_state = 'overdue' WHERE id = ${child}`)).toEqual([`${may}/${site.id}`]);
    expect(await after(`UPDATE escalations SET response_state = 'superseded' WHERE id = ${child}`)).toEqual([`${may}/${site.id}`]);
    // A responded escalation's due date decides "within".
    expect(await after(`UPDATE escalations SET due_at = ${march + 5} WHERE id = ${parent}`)).toEqual([`${march}/${site.id}`]);
    // A move to another facility marks both; a new parent marks the old and the new one.
    expect(await after(`UPDATE escalations SET facility_id = ${other.id} WHERE id = ${child}`)).toEqual([`${may}/${other.id}`, `${may}/${site.id}`].sort());
    const stranger = await insert(may, null);
    expect(await after(`UPDATE escalations SET parent_escalation_id = ${stranger} WHERE id = ${child}`)).toEqual([`${march}/${site.id}`, `${may}/${other.id}`, `${may}/${site.id}`].sort());
    await query('DELETE FROM escalation_stats_dirty');
    await query(`DELETE FROM escalations WHERE id = ${child}`);
    expect(await dirty()).toEqual([`${may}/${other.id}`, `${may}/${site.id}`].sort());
  });

  it('keeps no index whose columns are a leading part of another index on the same table', async () => {
    // Unique and partial indexes do a job of their own; any other index that is a prefix of a
    // longer one costs every write and serves no read the longer one cannot.
    const rows = usePostgres
      ? await query(
          `SELECT t.relname AS tbl, i.relname AS name, ix.indisunique OR ix.indpred IS NOT NULL AS special,
                  array_to_string(ARRAY(SELECT a.attname FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                                          JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord), ',') AS cols
             FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
             JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema()`,
        )
      : await query(
          `SELECT m.name AS tbl, il.name AS name, il."unique" OR il.partial AS special, group_concat(ii.name, ',') AS cols
             FROM sqlite_master m, pragma_index_list(m.name) il, pragma_index_info(il.name) ii
            WHERE m.type = 'table' GROUP BY m.name, il.name ORDER BY m.name, il.name`,
        );
    const indexes = rows.map((r) => ({ table: String(r.tbl), name: String(r.name), special: r.special === true || Number(r.special) === 1, cols: String(r.cols).split(',') }));
    expect(indexes.find((i) => i.name === 'idx_escalations_stats')?.cols).toEqual(['facility_id', 'created_at', 'responded_at', 'due_at', 'response_state', 'city_id']);
    const redundant = indexes.flatMap((a) =>
      indexes
        .filter((b) => !a.special && b !== a && b.table === a.table && b.cols.length >= a.cols.length && a.cols.every((c, k) => b.cols[k] === c))
        .map((b) => `${a.name} (${a.cols}) is a prefix of ${b.name} (${b.cols})`),
    );
    expect(redundant).toEqual([]);
  });
});
