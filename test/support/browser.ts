import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { STAFF_PASSWORD } from './fixtures';
import { freePort } from './queue-redis';
import type { TestSmtp } from './smtp';
import { createTestApp, TestApp } from './test-app';

export { freePort };

/** Debian's Chromium, launched as the other browser tests do. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * A test app listening on a free port, its PUBLIC_URL pointing there, for a browser to open;
 * with `smtp`, its mail goes to that in-process server.
 */
export async function listeningApp(opts: { now?: string; env?: Record<string, string>; smtp?: TestSmtp } = {}): Promise<{ t: TestApp; base: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const mail: Record<string, string> = opts.smtp ? { SMTP_URL: opts.smtp.url, MAIL_FROM: 'KPAC <no-reply@kpac.test>' } : {};
  const t = await createTestApp({ now: opts.now, env: { PUBLIC_URL: base, PUBLIC_RATE_LIMIT: '1000', ...mail, ...opts.env } });
  await t.app.listen(port, '127.0.0.1');
  return { t, base };
}

/** The README's screenshots: taken by the browser tests on every run, so they show what the code does. */
export const SHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name), fullPage: true });
}

/** A phone-sized page context (360 × 740) in the given language. */
export function phoneContext(browser: Browser, locale: string): Promise<BrowserContext> {
  return browser.newContext({ locale, viewport: { width: 360, height: 740 }, extraHTTPHeaders: { 'accept-language': locale } });
}

/** Logs in through the login page; an account with a second factor answers the code as the phone's app would. */
export async function logIn(t: TestApp, page: Page, base: string, email: string, password = STAFF_PASSWORD): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit].primary')]);
  if (await page.locator('form[action="/login/code"]').count()) {
    await page.fill('#otp', await t.otp(email));
    await Promise.all([page.waitForNavigation(), page.click('form[action="/login/code"] button.primary')]);
  }
}
