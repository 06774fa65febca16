import { createHmac } from 'node:crypto';
import { ConfigError, Env, int, url } from './config-values';

export const TELEGRAM_MODES = ['webhook', 'polling'] as const;
export type TelegramMode = (typeof TELEGRAM_MODES)[number];

export interface TelegramConfig {
  token: string;
  mode: TelegramMode;
  /** The last segment of POST /telegram/<path> (webhook mode); secret-derived unless set. */
  webhookPath: string;
  /** Compared with Telegram's X-Telegram-Bot-Api-Secret-Token header; null in polling mode. */
  webhookSecret: string | null;
  /** Where Telegram should deliver updates; when set, the bot registers it at start-up. */
  webhookUrl: string | null;
  /** Bot API root (tests point it at a fake server); null: Telegram's own. */
  apiRoot: string | null;
  /** Updates one chat may send per minute before the bot stops answering it for a while. */
  ratePerMinute: number;
  /** false in `npm run worker`: it sends news but never polls (two pollers conflict at Telegram). */
  receive: boolean;
}

/** TELEGRAM_*: only read when a bot token is given. */
export function telegramConfig(env: Env, appSecret: string): TelegramConfig | null {
  const token = env.TELEGRAM_BOT_TOKEN?.trim();
  if (!token) return null;
  if (!/^\d+:[A-Za-z0-9_-]{20,}$/.test(token)) throw new ConfigError('TELEGRAM_BOT_TOKEN', 'must be the token BotFather gave (digits, a colon, then letters), e.g. 123456:ABC-DEF…');
  const mode = (env.TELEGRAM_MODE || 'polling').trim();
  if (!(TELEGRAM_MODES as readonly string[]).includes(mode)) throw new ConfigError('TELEGRAM_MODE', `must be "webhook" or "polling", got "${mode}"`);
  const secret = env.TELEGRAM_WEBHOOK_SECRET?.trim() || null;
  // Telegram allows 1–256 characters A-Z, a-z, 0-9, _ and - in the secret token.
  if (secret !== null && !/^[A-Za-z0-9_-]{16,256}$/.test(secret)) {
    throw new ConfigError('TELEGRAM_WEBHOOK_SECRET', 'must be 16 to 256 characters of A-Z, a-z, 0-9, _ and - (e.g. openssl rand -hex 32)');
  }
  if (mode === 'webhook' && secret === null) throw new ConfigError('TELEGRAM_WEBHOOK_SECRET', 'is required when TELEGRAM_MODE=webhook (e.g. openssl rand -hex 32)');
  const path = env.TELEGRAM_WEBHOOK_PATH?.trim() || null;
  if (path !== null && !/^[A-Za-z0-9_-]{16,128}$/.test(path)) {
    throw new ConfigError('TELEGRAM_WEBHOOK_PATH', 'must be 16 to 128 characters of A-Z, a-z, 0-9, _ and - (it is part of the URL, so keep it unguessable)');
  }
  return {
    token,
    mode: mode as TelegramMode,
    webhookPath: path ?? createHmac('sha256', appSecret).update('telegram-webhook-path').digest('hex').slice(0, 32),
    webhookSecret: mode === 'webhook' ? secret : null,
    webhookUrl: url(env, 'TELEGRAM_WEBHOOK_URL', null, ['https']),
    apiRoot: url(env, 'TELEGRAM_API_ROOT', null, ['http', 'https'])?.replace(/\/+$/, '') ?? null,
    ratePerMinute: int(env, 'TELEGRAM_RATE_PER_MINUTE', 30, 1, 1000),
    receive: true,
  };
}
