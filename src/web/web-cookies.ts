import { AppConfig } from '../config/app-config';

/**
 * Cookies are `Secure` in production whatever PUBLIC_URL says (a TLS proxy in front may be
 * configured with an http PUBLIC_URL by mistake), and whenever the public address is HTTPS.
 * Only a development or test start on plain HTTP sends them without it.
 */
export function secureCookies(config: AppConfig): boolean {
  return config.production || config.publicUrl.startsWith('https:');
}
