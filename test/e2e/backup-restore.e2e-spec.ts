import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BackupService } from '../../src/backup/backup.service';
import { postgresTableCount } from '../../src/backup/postgres-dump';
import { Clock } from '../../src/common/clock';
import { MIGRATIONS } from '../../src/database/migrations';
import { JobRegistry } from '../../src/queue/job-registry';
import { BACKUP_QUEUE, SWEEP_QUEUE } from '../../src/queue/jobs';
import { QueueService } from '../../src/queue/queue.service';
import { bearer, cityByCode } from '../support/fixtures';
import { STATE_DIR } from '../support/global-setup';
import { EntryProcess } from '../support/service-process';
import { ADMIN_EMAIL, createTestApp, createTestDatabase, TestApp, usePostgres } from '../support/test-app';
import { enrolledGet, enrolledSet } from '../support/two-factor';

/** The schema version a backup records: the newest migration's name. */
const SCHEMA = MIGRATIONS[MIGRATIONS.length - 1].name;

/**
 * Issue 14, item 3: `npm run backup` while the service takes a burst of public submissions, then
 * `npm run restore` into a fresh data directory (or an empty PostgreSQL database), and the
 * restored service tracks and decrypts what was filed before the backup. Backup and restore run
 * as their own processes, as an operator runs them.
 */
const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
const OTHER = 'other-secret-0123456789abcdef0123456789abcd';
const BURST = 500;

const dbKeyOf = (url: string) => (url.startsWith('sqlite:') ? resolve(url.slice('sqlite:'.length)) : url);

describe(`backup and restore on ${usePostgres ? 'PostgreSQL' : 'SQLite'} (issue 14, item 3)`, () => {
  const root = join(STATE_DIR, `backup-${randomBytes(4).toString('hex')}`);
  const backupDir = join(root, 'backups');
  const cleanups: (() => Promise<void>)[] = [];
  let a: TestApp;
  let sourceUrl: string;
  let backupFile: string;
  let before: { reference: string; trackingCode: string; phone: string };
  let ackedBeforeBackup: string[] = [];
  // Each step starts one or more processes (ts-node): minutes on a busy machine, not the default minute.
  jest.setTimeout(240_000);

  /** A target to restore into: a fresh data directory (SQLite) or a fresh, empty database. */
  async function freshTarget(): Promise<{ env: Record<string, string>; url: string }> {
    const dataDir = join(root, `restore-${randomBytes(3).toString('hex')}`);
    if (!usePostgres) return { env: { DATA_DIR: dataDir }, url: `sqlite:${join(dataDir, 'kpac.sqlite')}` };
    const db = await createTestDatabase();
    cleanups.push(db.drop);
    return { env: { DATA_DIR: dataDir, DATABASE_URL: db.url }, url: db.url };
  }

  const run = async (entry: string, args: string[], env: Record<string, string>) => {
    const p = new EntryProcess(entry, args, { APP_SECRET: SECRET, LOG_LEVEL: 'warn', ...env });
    const { code } = await p.exited;
    return { code, stdout: p.stdout, stderr: p.stderr };
  };

  beforeAll(async () => {
    const db = await createTestDatabase();
    cleanups.push(db.drop);
    sourceUrl = db.url;
    a = await createTestApp({ databaseUrl: sourceUrl, env: { APP_SECRET: SECRET, PUBLIC_RATE_LIMIT: '0', BACKUP_DIR: backupDir } });
  });
  afterAll(async () => {
    await a?.close();
    for (const c of cleanups) await c();
    rmSync(root, { recursive: true, force: true });
  });

  it('takes a backup during a burst of 500 submissions; it holds every submission acknowledged before it began', async () => {
    const { city } = await cityByCode(a, 'BKH');
    const phone = '+992 90 123 4567';
    const first = await a.http().post('/api/v1/public/complaints').send({ cityId: city.id, category: 'other', description: 'Filed before the backup.', contact: { phone }, consents: { mayContact: true } }).expect(201);
    before = { reference: first.body.reference, trackingCode: first.body.trackingCode, phone };

    const acked: { reference: string; at: number }[] = [];
    const statuses: number[] = [];
    let next = 0;
    let backup: Promise<{ code: number | null; stdout: string; stderr: string }> | null = null;
    let backupStarted = 0;
    let backupEnded = 0;
    const connection = async () => {
      while (next < BURST) {
        // While the backup process runs the burst slows down (40 a second), so it spans the whole run.
        if (backup && !backupEnded) await new Promise((r) => setTimeout(r, 250));
        const i = next++;
        const res = await a.http().post('/api/v1/public/complaints').send({ cityId: city.id, category: 'waiting_time', description: `Burst ${i}`, contact: { phone: `+992 91 ${i}` } });
        statuses.push(res.status);
        if (res.status === 201) acked.push({ reference: res.body.reference, at: Date.now() });
        // A third of the way in, the operator runs the backup; the burst goes on.
        if (!backup && acked.length >= BURST / 3) {
          backupStarted = Date.now();
          ackedBeforeBackup = acked.map((x) => x.reference);
          backup = run('src/backup.ts', [], { DATABASE_URL: sourceUrl, DATA_DIR: join(root, 'backup-run'), BACKUP_DIR: backupDir }).finally(() => (backupEnded = Date.now()));
        }
      }
    };
    await Promise.all(Array.from({ length: 10 }, connection));
    const result = await backup!;
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    backupFile = /Backup written: (\S+)/.exec(result.stdout)![1];
    expect(ackedBeforeBackup.length).toBeGreaterThanOrEqual(BURST / 3);
    // The burst went on while the backup ran.
    expect(acked.filter((x) => x.at > backupStarted && x.at < backupEnded).length).toBeGreaterThan(20);

    expect(statSync(backupDir).mode & 0o777).toBe(0o700);
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);
    // Nothing personal readable in the file or beside it: no plain copy left over, no phone number, no description.
    expect(readdirSync(backupDir).sort()).toEqual([backupFile.split('/').pop(), `${backupFile.split('/').pop()}.json`].sort());
    expect(readdirSync(join(root, 'backup-run')).filter((n) => /snapshot|partial/.test(n))).toEqual([]);
    const bytes = readFileSync(backupFile);
    for (const clear of ['Filed before the backup', 'Burst 1', '+992', 'SQLite format', 'PGDMP']) expect(bytes.includes(Buffer.from(clear))).toBe(false);
    const sidecar = JSON.parse(readFileSync(`${backupFile}.json`, 'utf8'));
    expect(sidecar).toMatchObject({ dialect: usePostgres ? 'postgres' : 'sqlite', schemaVersion: SCHEMA, fileBytes: bytes.length });
    expect(sidecar.fileSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('restores into a fresh data directory; the restored service tracks a complaint filed before the backup and decrypts its contact', async () => {
    const target = await freshTarget();
    const restored = await run('src/restore.ts', [backupFile], target.env);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(new RegExp(`Restored: taken .* schema ${SCHEMA}`));

    // The restored database still has the admin's second factor: the harness's record follows it.
    enrolledSet(dbKeyOf(target.url), ADMIN_EMAIL, enrolledGet(dbKeyOf(sourceUrl), ADMIN_EMAIL)!);
    const b = await createTestApp({ databaseUrl: target.url, env: { APP_SECRET: SECRET } });
    try {
      const references = new Set((await b.db.manager.query('SELECT reference FROM complaints')).map((r: { reference: string }) => r.reference));
      expect(ackedBeforeBackup.filter((r) => !references.has(r))).toEqual([]);
      expect(references.has(before.reference)).toBe(true);
      // No partial complaint: each has its timeline entry and audit row.
      const partial = await b.db.manager.query(
        `SELECT c.reference FROM complaints c WHERE NOT EXISTS (SELECT 1 FROM complaint_events e WHERE e.complaint_id = c.id AND e.type = 'submitted')
           OR NOT EXISTS (SELECT 1 FROM audit_events x WHERE x.entity = 'complaint' AND x.entity_id = CAST(c.id AS VARCHAR(64)) AND x.action = 'complaint.submit')`,
      );
      expect(partial).toEqual([]);

      const tracked = await b.http().post('/api/v1/public/complaints/track').send({ reference: before.reference, trackingCode: before.trackingCode }).expect(200);
      expect(tracked.body.reference).toBe(before.reference);
      const [{ id }] = await b.db.manager.query(`SELECT id FROM complaints WHERE reference = '${before.reference}'`);
      const revealed = await b.http().post(`/api/v1/complaints/${id}/contact/reveal`).set(bearer(b.adminToken)).send({}).expect(200);
      expect(revealed.body.contact.phone).toBe(before.phone);
    } finally {
      await b.close();
    }

    // The restored database is no longer empty: a second restore is refused, unless --force.
    const again = await run('src/restore.ts', [backupFile], target.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^Restore refused: .*(is not empty|table\(s\)).*--force/);
    const forced = await run('src/restore.ts', [backupFile, '--force'], target.env);
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
  });

  it('refuses a tampered file and a wrong secret, and restores nothing; APP_SECRET_PREVIOUS opens a backup of the old secret', async () => {
    const tampered = join(root, 'tampered.kpacbak');
    const bytes = readFileSync(backupFile);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    writeFileSync(tampered, bytes);
    const target = await freshTarget();
    const bad = await run('src/restore.ts', [tampered], target.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Restore refused: The backup file does not authenticate/);

    const cut = join(root, 'cut.kpacbak');
    writeFileSync(cut, readFileSync(backupFile).subarray(0, bytes.length - 40));
    const short = await run('src/restore.ts', [cut], target.env);
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/^Restore refused: The backup file (is cut short|does not authenticate)/);

    // Copied along with a sidecar that names another file's SHA-256: not the file that backup wrote.
    const swapped = join(root, 'swapped.kpacbak');
    writeFileSync(swapped, readFileSync(backupFile));
    writeFileSync(`${swapped}.json`, JSON.stringify({ ...JSON.parse(readFileSync(`${backupFile}.json`, 'utf8')), fileSha256: '0'.repeat(64) }));
    const mismatch = await run('src/restore.ts', [swapped], target.env);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/^Restore refused: The file's SHA-256 differs from the one in .*swapped\.kpacbak\.json/);

    const wrong = await run('src/restore.ts', [backupFile], { ...target.env, APP_SECRET: OTHER });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^Restore refused: No configured secret opens this backup/);
    if (!usePostgres) expect(existsSync(target.url.slice('sqlite:'.length)) && statSync(target.url.slice('sqlite:'.length)).size > 0).toBe(false);
    else expect(await postgresTableCount(target.url)).toBe(0);

    // After a rotation the old secret stays in APP_SECRET_PREVIOUS; it still opens the backup.
    const rotated = await run('src/restore.ts', [backupFile, '--verify'], { ...target.env, APP_SECRET: OTHER, APP_SECRET_PREVIOUS: SECRET });
    expect(rotated.stderr).toBe('');
    expect(rotated.stdout).toMatch(/^Backup verified: .*\n {2}rows: .*complaints \d+/);
  });

  it('keeps BACKUP_KEEP backups, deleting the oldest after a successful one; the backup.run job writes one', async () => {
    const dir = join(root, 'kept');
    const service = new BackupService({ ...a.config, backup: { dir, keep: 2, schedule: null } }, new Clock());
    const names: string[] = [];
    // What a backup killed half-way left: a plain snapshot an hour old goes; a fresh one may be another backup's.
    mkdirSync(dir, { recursive: true });
    const stale = join(dir, '.kpac-20260101T000000000Z-abcdef.kpacbak.snapshot');
    const fresh = join(dir, 'kpac-20260101T000000000Z-abcdef.kpacbak.partial');
    writeFileSync(stale, 'plain');
    writeFileSync(fresh, 'partial');
    utimesSync(stale, new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    for (let i = 0; i < 3; i++) {
      names.push((await service.run()).path.split('/').pop()!);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(readdirSync(dir).sort()).toEqual([names[1], `${names[1]}.json`, names[2], `${names[2]}.json`, 'kpac-20260101T000000000Z-abcdef.kpacbak.partial'].sort());

    const job = a.app.get(JobRegistry).get('backup.run')!;
    const report = (await job({})) as Record<string, number>;
    expect(report.backupBytes).toBeGreaterThan(0);
    expect(readdirSync(backupDir).filter((n) => n.endsWith('.kpacbak'))).toHaveLength(2);
  });

  it('BACKUP_SCHEDULE schedules backup.run on its own queue, only from processes that have it set', async () => {
    const scheduled = await createTestApp({ env: { APP_SECRET: SECRET, WORKER: 'inline', BACKUP_SCHEDULE: 'daily', BACKUP_DIR: join(root, 'scheduled') } });
    try {
      const queue = scheduled.app.get(QueueService).queue(BACKUP_QUEUE);
      const deadline = Date.now() + 10_000;
      let found = await queue.getJobScheduler('backup.run');
      while (!found && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        found = await queue.getJobScheduler('backup.run');
      }
      expect(found).toMatchObject({ pattern: '30 2 * * *', tz: 'Asia/Dushanbe' });
    } finally {
      await scheduled.close();
    }
    // `a` runs workers too, but without BACKUP_SCHEDULE: its sweeps are scheduled, no backup.
    const sweeps = a.app.get(QueueService).queue(SWEEP_QUEUE);
    const deadline = Date.now() + 10_000;
    while (!(await sweeps.getJobScheduler('sla.sweep')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await sweeps.getJobScheduler('sla.sweep')).toBeDefined();
    expect(await a.app.get(QueueService).queue(BACKUP_QUEUE).getJobScheduler('backup.run')).toBeUndefined();
  });

  if (usePostgres) {
    it('without pg_dump on the PATH, says so in one line and exits 1', async () => {
      const res = await run('src/backup.ts', [], { DATABASE_URL: sourceUrl, DATA_DIR: join(root, 'backup-run'), BACKUP_DIR: join(root, 'no-tools'), PATH: '/nonexistent' });
      expect(res.code).toBe(1);
      expect(res.stderr).toBe("Backup failed: pg_dump is not on the PATH: install the PostgreSQL client programs (e.g. apt-get install postgresql-client) of the server's major version or newer\n");
    });
  }
});
