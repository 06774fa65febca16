import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/app-config';

describe('configuration (DESIGN §5)', () => {
  let dir: string;
  const SECRET = 'x'.repeat(40);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kpac-config-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('has the documented defaults', () => {
    const c = loadConfig({ DATA_DIR: dir });
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      database: { type: 'sqlite', path: resolve(dir, 'kpac.sqlite') },
      redisUrl: 'redis://127.0.0.1:6379',
      smtpUrl: null,
      mailFrom: 'KPAC tracker <no-reply@localhost>',
      publicUrl: 'http://localhost:3000',
      adminEmail: null,
      adminPassword: null,
      publicRateLimit: 30,
      trustProxy: null,
      worker: 'inline',
      production: false,
    });
  });

  it('generates APP_SECRET into DATA_DIR/secret.key with mode 0600 and reuses it', () => {
    const first = loadConfig({ DATA_DIR: dir });
    const file = join(dir, 'secret.key');
    expect(first.appSecret).toHaveLength(64);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.appSecret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadConfig({ DATA_DIR: dir }).appSecret).toBe(first.appSecret);
  });

  it('requires APP_SECRET in production and never writes one there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dir })).toThrow(/^Invalid configuration: APP_SECRET is required/);
    expect(() => readFileSync(join(dir, 'secret.key'))).toThrow();
    expect(loadConfig({ NODE_ENV: 'production', DATA_DIR: dir, APP_SECRET: SECRET }).appSecret).toBe(SECRET);
  });

  it('reads PostgreSQL and SQLite URLs', () => {
    expect(loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET, DATABASE_URL: 'postgres://u:p@db:5432/kpac' }).database).toEqual({ type: 'postgres', url: 'postgres://u:p@db:5432/kpac' });
    expect(loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET, DATABASE_URL: 'sqlite:./x/y.sqlite' }).database).toEqual({ type: 'sqlite', path: resolve('./x/y.sqlite') });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/kpac'],
    ['DATABASE_URL', 'sqlite:'],
    ['REDIS_URL', 'http://localhost:6379'],
    ['SMTP_URL', 'not a url'],
    ['PUBLIC_URL', 'ftp://kpac.example'],
    ['MAIL_FROM', 'nobody'],
    ['APP_SECRET', 'short'],
    ['ADMIN_EMAIL', 'admin'],
    ['ADMIN_PASSWORD', 'short'],
    ['PUBLIC_RATE_LIMIT', '-1'],
    ['TRUST_PROXY', 'yes please'],
    ['TRUST_PROXY', 'true'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', '10.0.0.1,,10.0.0.2'],
    ['TRUST_PROXY', '999'],
    ['APP_SECRET_PREVIOUS', 'short'],
    ['APP_SECRET_PREVIOUS', `${'y'.repeat(40)},`],
    ['WORKER', 'sometimes'],
    ['METRICS_PORT', '0'],
    ['METRICS_PORT', '70000'],
    ['METRICS_PORT', 'ninety'],
  ])('a bad %s (%s) stops start-up with one line naming it', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET, [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.startsWith(`Invalid configuration: ${name} `)).toBe(true);
    expect(message).not.toContain('\n');
  });

  it('never echoes a password inside a bad URL', () => {
    const attempt = () => loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET, SMTP_URL: 'smtp://user:hunter2@host:99999' });
    expect(attempt).toThrow(/^Invalid configuration: SMTP_URL /);
    expect(attempt).not.toThrow(/hunter2/);
  });

  it('accepts the documented settings', () => {
    const c = loadConfig({
      DATA_DIR: dir,
      APP_SECRET: SECRET,
      PORT: '8080',
      HOST: '0.0.0.0',
      SMTP_URL: 'smtp://mail:1025',
      PUBLIC_URL: 'https://kpac.example/',
      PUBLIC_RATE_LIMIT: '0',
      TRUST_PROXY: '1',
      WORKER: 'off',
      ADMIN_EMAIL: 'coordinator@kpac.example',
      ADMIN_PASSWORD: 'a-long-enough-password',
    });
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      smtpUrl: 'smtp://mail:1025',
      publicUrl: 'https://kpac.example',
      publicRateLimit: 0,
      trustProxy: 1,
      worker: 'off',
      adminEmail: 'coordinator@kpac.example',
    });
  });

  describe('staff access (issue 11)', () => {
    it('requires a second factor of admins and facility administrators, and ends idle web sessions after 30 minutes, by default', () => {
      expect(loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET })).toMatchObject({ twoFactor: 'admins', sessionIdleMinutes: 30 });
      expect(loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET, TWO_FACTOR: 'all', SESSION_IDLE_MINUTES: '15' })).toMatchObject({ twoFactor: 'all', sessionIdleMinutes: 15 });
    });

    it.each([
      ['TWO_FACTOR', 'none'],
      ['TWO_FACTOR', 'off'],
      ['SESSION_IDLE_MINUTES', '0'],
      ['SESSION_IDLE_MINUTES', 'half an hour'],
      ['SESSION_IDLE_MINUTES', '721'],
    ])('a bad %s (%s) stops start-up with one line naming it', (name, value) => {
      const attempt = () => loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET, [name]: value });
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(new RegExp(`^Invalid configuration: ${name} [^\\n]+$`));
    });
  });

  describe('SWEEP_EVERY_SECONDS (issue 14)', () => {
    it('runs the every-minute periodic jobs once a minute by default, or as often as set', () => {
      expect(loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET }).sweepEverySeconds).toBe(60);
      expect(loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET, SWEEP_EVERY_SECONDS: '5' }).sweepEverySeconds).toBe(5);
    });

    it.each(['0', '3601', 'often'])('a bad SWEEP_EVERY_SECONDS (%s) stops start-up with one line naming it', (value) => {
      const attempt = () => loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET, SWEEP_EVERY_SECONDS: value });
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/^Invalid configuration: SWEEP_EVERY_SECONDS [^\n]+$/);
    });
  });

  describe('SLIP_VALID_MONTHS (issue 15)', () => {
    it('lets complaint-box slips be entered for 12 months by default', () => {
      expect(loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET }).slipValidMonths).toBe(12);
      expect(loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET, SLIP_VALID_MONTHS: '6' }).slipValidMonths).toBe(6);
    });

    it.each(['0', '61', 'a year', '1.5'])('a bad SLIP_VALID_MONTHS (%s) stops start-up with one line naming it', (value) => {
      const attempt = () => loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET, SLIP_VALID_MONTHS: value });
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/^Invalid configuration: SLIP_VALID_MONTHS [^\n]+$/);
    });
  });

  describe('TRUST_PROXY (issue 11)', () => {
    const trust = (value: string) => loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET, TRUST_PROXY: value }).trustProxy;

    it('takes a hop count or the proxies\' addresses and CIDRs', () => {
      expect(trust('1')).toBe(1);
      expect(trust('2')).toBe(2);
      expect(trust('0')).toBeNull();
      expect(trust('10.0.0.1')).toEqual(['10.0.0.1']);
      expect(trust('10.0.0.0/8, 192.168.1.7,fd00::/8 , ::1')).toEqual(['10.0.0.0/8', '192.168.1.7', 'fd00::/8', '::1']);
    });

    it('refuses "true" with one line saying why', () => {
      expect(() => trust('true')).toThrow(/^Invalid configuration: TRUST_PROXY .*"true" would let any client choose its address with X-Forwarded-For$/);
      expect(() => trust('TRUE')).toThrow(/^Invalid configuration: TRUST_PROXY /);
    });
  });

  describe('secrets and private files (issue 11)', () => {
    it('reads APP_SECRET_PREVIOUS as a comma-separated list, without the current secret', () => {
      const a = 'a'.repeat(40);
      const b = 'b'.repeat(40);
      expect(loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET }).appSecretPrevious).toEqual([]);
      expect(loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET, APP_SECRET_PREVIOUS: ` ${a} , ${b},${SECRET}` }).appSecretPrevious).toEqual([a, b]);
    });

    it('creates DATA_DIR 0700 and narrows an existing one that others can enter', () => {
      const fresh = join(dir, 'fresh');
      loadConfig({ DATA_DIR: fresh, APP_SECRET: SECRET });
      expect(statSync(fresh).mode & 0o777).toBe(0o700);
      const open = join(dir, 'open');
      mkdirSync(open);
      chmodSync(open, 0o755);
      loadConfig({ DATA_DIR: open, APP_SECRET: SECRET });
      expect(statSync(open).mode & 0o777).toBe(0o700);
    });

    it('refuses a secret.key readable by group or others, with one line saying how to fix it', () => {
      const file = join(dir, 'secret.key');
      writeFileSync(file, 'k'.repeat(64) + '\n');
      for (const mode of [0o644, 0o640, 0o604]) {
        chmodSync(file, mode);
        let error: unknown;
        try {
          loadConfig({ DATA_DIR: dir });
        } catch (err) {
          error = err;
        }
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as Error).message).toBe(`Invalid configuration: APP_SECRET file ${file} is readable by other users (mode 0${mode.toString(8)}); run: chmod 600 ${file}`);
      }
      chmodSync(file, 0o600);
      expect(loadConfig({ DATA_DIR: dir }).appSecret).toBe('k'.repeat(64));
      chmodSync(file, 0o400);
      expect(loadConfig({ DATA_DIR: dir }).appSecret).toBe('k'.repeat(64));
    });
  });

  it('LOG_FORMAT: readable lines only outside production with a terminal, unless set; anything else is refused', () => {
    expect(loadConfig({ DATA_DIR: dir }, true).logPretty).toBe(true);
    expect(loadConfig({ DATA_DIR: dir }, false).logPretty).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', DATA_DIR: dir, APP_SECRET: SECRET }, true).logPretty).toBe(false);
    expect(loadConfig({ DATA_DIR: dir, LOG_FORMAT: 'json' }, true).logPretty).toBe(false);
    expect(loadConfig({ DATA_DIR: dir, LOG_FORMAT: 'pretty' }, false).logPretty).toBe(true);
    expect(() => loadConfig({ DATA_DIR: dir, LOG_FORMAT: 'fancy' })).toThrow(/LOG_FORMAT must be "auto", "json" or "pretty", got "fancy"/);
  });
  describe('backups (issue 14, item 3)', () => {
    it('defaults to DATA_DIR/backups, seven kept, no schedule', () => {
      expect(loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET }).backup).toEqual({ dir: join(resolve(dir), 'backups'), keep: 7, schedule: null });
    });

    it('takes BACKUP_DIR, BACKUP_KEEP and a schedule (off, daily, hourly or a cron pattern)', () => {
      const c = loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET, BACKUP_DIR: join(dir, 'elsewhere'), BACKUP_KEEP: '30', BACKUP_SCHEDULE: 'daily' });
      expect(c.backup).toEqual({ dir: join(resolve(dir), 'elsewhere'), keep: 30, schedule: '30 2 * * *' });
      const at = (s: string) => loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET, BACKUP_SCHEDULE: s }).backup.schedule;
      expect(at('off')).toBeNull();
      expect(at('hourly')).toBe('0 * * * *');
      expect(at(' 15  3 * * 1-5 ')).toBe('15 3 * * 1-5');
      expect(at('*/30 1,13 * * *')).toBe('*/30 1,13 * * *');
    });

    it.each([
      ['BACKUP_KEEP', '0', 'Invalid configuration: BACKUP_KEEP must be between 1 and 1000, got 0'],
      ['BACKUP_KEEP', 'all', 'Invalid configuration: BACKUP_KEEP must be a whole number between 1 and 1000, got "all"'],
      ['BACKUP_SCHEDULE', 'weekly', 'Invalid configuration: BACKUP_SCHEDULE must be off, daily, hourly or a five-field cron pattern such as "30 2 * * *", got "weekly"'],
      ['BACKUP_SCHEDULE', '0 3 * *', 'Invalid configuration: BACKUP_SCHEDULE must be off, daily, hourly or a five-field cron pattern such as "30 2 * * *", got "0 3 * *"'],
    ])('refuses %s=%s with one line', (name, value, message) => {
      expect(() => loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET, [name]: value })).toThrow(message);
    });
  });

  it('serves metrics on a separate port only when METRICS_PORT is set', () => {
    expect(loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET }).metricsPort).toBeNull();
    expect(loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET, METRICS_PORT: '' }).metricsPort).toBeNull();
    expect(loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET, METRICS_PORT: '9464' }).metricsPort).toBe(9464);
  });

  describe('Telegram bot (issue 15)', () => {
    const TOKEN = '123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345';
    const WH = 'w'.repeat(32);
    it('has no bot without TELEGRAM_BOT_TOKEN', () => {
      expect(loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET }).telegram).toBeNull();
    });
    it('defaults to polling with a secret-derived webhook path and 30 updates a minute', () => {
      const c = loadConfig({ DATA_DIR: dir, APP_SECRET: SECRET, TELEGRAM_BOT_TOKEN: TOKEN }).telegram!;
      expect(c).toMatchObject({ token: TOKEN, mode: 'polling', webhookSecret: null, webhookUrl: null, apiRoot: null, ratePerMinute: 30 });
      expect(c.webhookPath).toMatch(/^[0-9a-f]{32}$/);
      expect(loadConfig({ DATA_DIR: dir, APP_SECRET: 'y'.repeat(40), TELEGRAM_BOT_TOKEN: TOKEN }).telegram!.webhookPath).not.toBe(c.webhookPath);
    });
    it('reads webhook mode, its path, secret and URL, and the API root', () => {
      const c = loadConfig({
        DATA_DIR: dir,
        APP_SECRET: SECRET,
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_SECRET: WH,
        TELEGRAM_WEBHOOK_PATH: 'p'.repeat(20),
        TELEGRAM_WEBHOOK_URL: 'https://kpac.example/telegram/' + 'p'.repeat(20),
        TELEGRAM_API_ROOT: 'http://127.0.0.1:9999/',
        TELEGRAM_RATE_PER_MINUTE: '10',
      }).telegram!;
      expect(c).toMatchObject({ mode: 'webhook', webhookSecret: WH, webhookPath: 'p'.repeat(20), apiRoot: 'http://127.0.0.1:9999', ratePerMinute: 10 });
    });
    it('refuses a bad token, mode, secret, path or URL with one line naming the variable', () => {
      const base = { DATA_DIR: dir, APP_SECRET: SECRET, TELEGRAM_BOT_TOKEN: TOKEN };
      expect(() => loadConfig({ ...base, TELEGRAM_BOT_TOKEN: 'nonsense' })).toThrow(/TELEGRAM_BOT_TOKEN/);
      expect(() => loadConfig({ ...base, TELEGRAM_MODE: 'push' })).toThrow(/TELEGRAM_MODE must be "webhook" or "polling"/);
      expect(() => loadConfig({ ...base, TELEGRAM_MODE: 'webhook' })).toThrow(/TELEGRAM_WEBHOOK_SECRET is required/);
      expect(() => loadConfig({ ...base, TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: 'short' })).toThrow(/TELEGRAM_WEBHOOK_SECRET must be 16/);
      expect(() => loadConfig({ ...base, TELEGRAM_WEBHOOK_PATH: 'a/b' })).toThrow(/TELEGRAM_WEBHOOK_PATH/);
      expect(() => loadConfig({ ...base, TELEGRAM_WEBHOOK_URL: 'http://plain.example' })).toThrow(/TELEGRAM_WEBHOOK_URL must use one of https/);
      expect(() => loadConfig({ ...base, TELEGRAM_RATE_PER_MINUTE: '0' })).toThrow(/TELEGRAM_RATE_PER_MINUTE/);
    });
  });
});
