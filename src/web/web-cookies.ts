import { AppConfig } from '../config/app-config';

/** Secure cookies only when the public address is HTTPS (local development runs on plain HTTP). */
export function secureCookies(config: AppConfig): boolean {
  return config.publicUrl.startsWith('https:');
}
