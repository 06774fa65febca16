import type { AppConfig } from '../config/app-config';
import { keyRingFor } from '../keys/key-ring';

/** Contact details are `{ phone?, email?, other? }` as JSON, AES-256-GCM with a key for this purpose only. */
export interface ContactDetails {
  phone?: string;
  email?: string;
  other?: string;
}

export const contactCipher = (config: Pick<AppConfig, 'appSecret' | 'appSecretPrevious'>) => keyRingFor(config).cipher('contact');

/** Associated data binding a ciphertext to its row, so it cannot be copied onto another complaint. */
export const contactAad = (complaintId: number) => `complaints.contact_enc:${complaintId}`;

/** The Telegram chat to notify (purpose telegram), bound to its complaint like the contact. */
export const notifyChatAad = (complaintId: number) => `complaints.notify_chat_enc:${complaintId}`;
