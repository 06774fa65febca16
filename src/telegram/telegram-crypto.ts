import { createHmac } from 'node:crypto';
import type { AppConfig } from '../config/app-config';
import { keyRingFor } from '../keys/key-ring';

/**
 * Telegram chat ids are personal data: the database knows a chat only by a keyed hash (the key is
 * a stored data key, so the hash survives a change of APP_SECRET and /forget still finds it), and
 * holds the id itself only encrypted, only where the person asked for news.
 */
export function chatKeyOf(config: Pick<AppConfig, 'appSecret' | 'appSecretPrevious'>, chatId: number | string): string {
  return createHmac('sha256', keyRingFor(config).dataKey('telegram-chat').current).update(`telegram-chat:${chatId}`, 'utf8').digest('hex');
}

export const telegramCipher = (config: Pick<AppConfig, 'appSecret' | 'appSecretPrevious'>) => keyRingFor(config).cipher('telegram');

/** A conversation's draft is bound to its chat's row. */
export const conversationAad = (chatKey: string) => `telegram_conversations.state_enc:${chatKey}`;
