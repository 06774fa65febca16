import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { ensurePrivateDir } from '../common/private-files';
import { ConfigError, Env, int, url } from './config-values';
import { TelegramConfig, telegramConfig } from './telegram-config';

export { ConfigError } from './config-values';

export type DatabaseConfig =
  | { type: 'sqlite'; path: string }
  | { type: 'postgres'; url: string; schema?: string };

export interface AppConfig {
  production: boolean;
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseConfig;
  redisUrl: string;
  /** Prefix for every BullMQ key, so tests and instances never share queues by accident. */
  queuePrefix: string;
  smtpUrl: string | null;
  mailFrom: string;
  publicUrl: string;
  appSecret: string;
  adminEmail: string | null;
  adminPassword: string | null;
  publicRateLimit: number;
  /** Proxies whose X-Forwarded-For is believed: a hop count, or their addresses/CIDRs; null: none. */
  trustProxy: number | string[] | null;
  worker: 'inline' | 'off';
  /** Period of the every-minute periodic jobs (sla.sweep, councils.reminders, mail.reconcile), in seconds. */
  sweepEverySeconds: number;
  logLevel: string;
  /** Human-readable log lines (pino-pretty) instead of JSON: outside production with a terminal attached, unless LOG_FORMAT says. */
  logPretty: boolean;
  timeZone: string;
  /** Days after resolution after which contact details are erased. */
  contactRetentionDays: number;
  /** Smallest group shown with its count to non-admins and in exports. */
  statsMinCell: number;
  /** Lifetime of staff bearer tokens, in seconds. */
  tokenTtlSeconds: number;
  /** Days a facility response link stays valid after the SLA due date. */
  responseLinkGraceDays: number;
  /** Months a pre-printed complaint-box slip can be entered after its batch was printed. */
  slipValidMonths: number;
  /** Who must have a second factor (TOTP): admins and facility administrators, or every staff account. */
  twoFactor: TwoFactorPolicy;
  /** Minutes a web session may go unused before it ends. */
  sessionIdleMinutes: number;
  /** Earlier secrets, still read for decryption until `npm run rotate-keys` has re-encrypted everything. */
  appSecretPrevious: string[];
  backup: BackupConfig;
  /** A second listener on 127.0.0.1 serving /metrics without a login; null: off (admins' tokens on the main port only). */
  metricsPort: number | null;
  /** The Telegram bot; null when TELEGRAM_BOT_TOKEN is unset (no bot at all). */
  telegram: TelegramConfig | null;
}

export interface BackupConfig {
  /** Where `npm run backup` and the scheduled job write (0700; files 0600). */
  dir: string;
  /** How many backups to keep; older ones are deleted after a successful backup. */
  keep: number;
  /** A cron pattern in TIME_ZONE for the `backup.run` job, or null (off). */
  schedule: string | null;
}

/** BACKUP_SCHEDULE shorthands, in TIME_ZONE: at night, when few people file complaints. */
export const BACKUP_SCHEDULES: Record<string, string> = { daily: '30 2 * * *', hourly: '0 * * * *' };

export const TWO_FACTOR_POLICIES = ['admins', 'all'] as const;
export type TwoFactorPolicy = (typeof TWO_FACTOR_POLICIES)[number];

/** Thrown for bad configuration: one line naming the variable and what is wrong. */
function parseDatabase(env: Env, dataDir: string): DatabaseConfig {
  const raw = env.DATABASE_URL || `sqlite:${dataDir}/kpac.sqlite`;
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new ConfigError('DATABASE_URL', 'sqlite: needs a file path, e.g. sqlite:./data/kpac.sqlite');
    return { type: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
  }
  if (raw.startsWith('postgres://') || raw.startsWith('postgresql://')) {
    url(env, 'DATABASE_URL', null, ['postgres', 'postgresql']);
    return { type: 'postgres', url: raw };
  }
  throw new ConfigError('DATABASE_URL', `must start with sqlite: or postgres://, got "${raw.split(':')[0]}:…"`);
}

function checkSecret(name: string, value: string): string {
  if (value.length < 32) throw new ConfigError(name, 'must be at least 32 characters (e.g. openssl rand -hex 32)');
  return value;
}

function loadSecret(env: Env, production: boolean, dataDir: string): string {
  const given = env.APP_SECRET;
  if (given !== undefined && given !== '') return checkSecret('APP_SECRET', given);
  if (production) throw new ConfigError('APP_SECRET', 'is required when NODE_ENV=production (e.g. openssl rand -hex 32)');
  const file = resolve(dataDir, 'secret.key');
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) {
      throw new ConfigError('APP_SECRET', `file ${file} is readable by other users (mode ${mode.toString(8).padStart(4, '0')}); run: chmod 600 ${file}`);
    }
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length < 32) throw new ConfigError('APP_SECRET', `file ${file} holds fewer than 32 characters; delete it to regenerate`);
    return secret;
  }
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}

/** APP_SECRET_PREVIOUS: one or more earlier secrets, comma-separated. */
function previousSecrets(env: Env, current: string): string[] {
  const raw = env.APP_SECRET_PREVIOUS;
  if (raw === undefined || raw.trim() === '') return [];
  const secrets = raw.split(',').map((s) => s.trim());
  if (secrets.some((s) => s === '')) throw new ConfigError('APP_SECRET_PREVIOUS', 'must be one or more secrets separated by commas, with none empty');
  for (const s of secrets) checkSecret('APP_SECRET_PREVIOUS', s);
  return [...new Set(secrets)].filter((s) => s !== current);
}

/**
 * TRUST_PROXY: how many proxies stand in front (a hop count), or their addresses/CIDRs. `true`
 * (trust every hop) is refused: any client could then choose its own address.
 */
function trustProxy(env: Env): number | string[] | null {
  const raw = env.TRUST_PROXY?.trim();
  if (raw === undefined || raw === '') return null;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 10) throw new ConfigError('TRUST_PROXY', `must be a hop count between 0 and 10, got ${hops}`);
    return hops === 0 ? null : hops;
  }
  if (raw.toLowerCase() === 'true') {
    throw new ConfigError('TRUST_PROXY', 'must be a hop count (e.g. 1) or the proxies\' addresses/CIDRs; "true" would let any client choose its address with X-Forwarded-For');
  }
  const entries = raw.split(',').map((e) => e.trim());
  for (const e of entries) {
    const [addr, prefix, extra] = e.split('/');
    const family = isIP(addr ?? '');
    const bits = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (!family || !prefixOk || extra !== undefined) {
      throw new ConfigError('TRUST_PROXY', `must be a hop count (e.g. 1) or addresses/CIDRs separated by commas (e.g. 10.0.0.1,192.168.0.0/16), got "${e}"`);
    }
  }
  return entries;
}

/** DATA_DIR holds the database, the secret and the outbox: only this account may enter it. */
function privateDataDir(dir: string): string {
  ensurePrivateDir(dir);
  return dir;
}

/** BACKUP_SCHEDULE: off (default), daily, hourly, or a five-field cron pattern. */
function backupSchedule(env: Env): string | null {
  const raw = (env.BACKUP_SCHEDULE ?? '').trim();
  if (raw === '' || raw.toLowerCase() === 'off') return null;
  const named = BACKUP_SCHEDULES[raw.toLowerCase()];
  if (named) return named;
  const fields = raw.split(/\s+/);
  const field = /^(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?(,(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?)*$/;
  if (fields.length !== 5 || !fields.every((f) => field.test(f))) {
    throw new ConfigError('BACKUP_SCHEDULE', `must be off, daily, hourly or a five-field cron pattern such as "30 2 * * *", got "${raw}"`);
  }
  return fields.join(' ');
}

function backupConfig(env: Env, dataDir: string): BackupConfig {
  const dir = resolve(env.BACKUP_DIR || resolve(dataDir, 'backups'));
  return { dir, keep: int(env, 'BACKUP_KEEP', 7, 1, 1000), schedule: backupSchedule(env) };
}

/** The only place that reads process.env. */
export function loadConfig(env: Env = process.env, terminal: boolean = Boolean(process.stdout.isTTY)): AppConfig {
  const production = env.NODE_ENV === 'production';
  const dataDir = privateDataDir(resolve(env.DATA_DIR || './data'));
  const worker = (env.WORKER || 'inline').trim();
  if (worker !== 'inline' && worker !== 'off') throw new ConfigError('WORKER', `must be "inline" or "off", got "${worker}"`);
  const publicUrl = url(env, 'PUBLIC_URL', 'http://localhost:3000', ['http', 'https'])!.replace(/\/+$/, '');
  const mailFrom = env.MAIL_FROM || 'KPAC tracker <no-reply@localhost>';
  if (!/@/.test(mailFrom)) throw new ConfigError('MAIL_FROM', `must contain an e-mail address, got "${mailFrom}"`);
  const adminEmail = env.ADMIN_EMAIL || null;
  if (adminEmail && !/^[^@\s]+@[^@\s]+$/.test(adminEmail)) throw new ConfigError('ADMIN_EMAIL', 'must be an e-mail address');
  const adminPassword = env.ADMIN_PASSWORD || null;
  if (adminPassword && adminPassword.length < 12) throw new ConfigError('ADMIN_PASSWORD', 'must be at least 12 characters');
  const timeZone = env.TIME_ZONE || 'Asia/Dushanbe';
  try {
    new Intl.DateTimeFormat('en', { timeZone }).format(0);
  } catch {
    throw new ConfigError('TIME_ZONE', `must be an IANA time zone such as Asia/Dushanbe, got "${timeZone}"`);
  }
  const logLevel = env.LOG_LEVEL || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of fatal, error, warn, info, debug, trace, silent, got "${logLevel}"`);
  }
  const logFormat = (env.LOG_FORMAT || 'auto').trim();
  if (!['auto', 'json', 'pretty'].includes(logFormat)) throw new ConfigError('LOG_FORMAT', `must be "auto", "json" or "pretty", got "${logFormat}"`);
  const host = env.HOST || '127.0.0.1';
  const twoFactor = (env.TWO_FACTOR || 'admins').trim();
  if (!(TWO_FACTOR_POLICIES as readonly string[]).includes(twoFactor)) throw new ConfigError('TWO_FACTOR', `must be "admins" or "all", got "${twoFactor}"`);
  const appSecret = loadSecret(env, production, dataDir);
  return {
    production,
    port: int(env, 'PORT', 3000, 0, 65535),
    host,
    dataDir,
    database: parseDatabase(env, dataDir),
    redisUrl: url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis', 'rediss'])!,
    queuePrefix: env.QUEUE_PREFIX || 'kpac',
    smtpUrl: url(env, 'SMTP_URL', null, ['smtp', 'smtps']),
    mailFrom,
    publicUrl,
    appSecret,
    adminEmail,
    adminPassword,
    publicRateLimit: int(env, 'PUBLIC_RATE_LIMIT', 30, 0, 1_000_000),
    trustProxy: trustProxy(env),
    worker,
    sweepEverySeconds: int(env, 'SWEEP_EVERY_SECONDS', 60, 1, 3600),
    logLevel,
    logPretty: logFormat === 'pretty' || (logFormat === 'auto' && !production && terminal),
    timeZone,
    contactRetentionDays: int(env, 'CONTACT_RETENTION_DAYS', 365, 1, 36500),
    statsMinCell: int(env, 'STATS_MIN_CELL', 5, 1, 1000),
    tokenTtlSeconds: int(env, 'TOKEN_TTL_SECONDS', 3600, 60, 86400),
    responseLinkGraceDays: int(env, 'RESPONSE_LINK_GRACE_DAYS', 14, 0, 365),
    slipValidMonths: int(env, 'SLIP_VALID_MONTHS', 12, 1, 60),
    twoFactor: twoFactor as TwoFactorPolicy,
    // At most the absolute session lifetime (12 hours).
    sessionIdleMinutes: int(env, 'SESSION_IDLE_MINUTES', 30, 1, 720),
    appSecretPrevious: previousSecrets(env, appSecret),
    backup: backupConfig(env, dataDir),
    metricsPort: env.METRICS_PORT === undefined || env.METRICS_PORT.trim() === '' ? null : int(env, 'METRICS_PORT', 0, 1, 65535),
    telegram: telegramConfig(env, appSecret),
  };
}
