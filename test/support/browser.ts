import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { STAFF_PASSWORD } from './fixtures';
import type { TestApp } from './test-app';

export { freePort } from './queue-redis';

/** Debian's Chromium, launched as the other browser tests do. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
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
