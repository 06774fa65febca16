import { FieldCipher } from '../common/crypto';

/** Contact details are `{ phone?, email?, other? }` as JSON, AES-256-GCM with a key for this purpose only. */
export interface ContactDetails {
  phone?: string;
  email?: string;
  other?: string;
}

export const contactCipher = (appSecret: string) => FieldCipher.fromSecret(appSecret, 'contact');

/** Associated data binding a ciphertext to its row, so it cannot be copied onto another complaint. */
export const contactAad = (complaintId: number) => `complaints.contact_enc:${complaintId}`;
