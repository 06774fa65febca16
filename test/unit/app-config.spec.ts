import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
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
    ['WORKER', 'sometimes'],
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
      trustProxy: '1',
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
});
