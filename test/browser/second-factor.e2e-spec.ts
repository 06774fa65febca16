/// <reference lib="dom" />
import { launchChromium, listeningApp, screenshot } from '../support/browser';
import { Browser, Page } from 'playwright-core';
import { bearer } from '../support/fixtures';
import type { TestApp } from '../support/test-app';
import { totpAt } from '../support/two-factor';

/**
 * Issue 11 in Chromium: an admin's first login sets up the second factor (QR code drawn on the
 * server, the key beside it, the first code, then the recovery codes shown once); later logins
 * ask for the code; a used code and a used recovery code are refused; a cookie copied before
 * logout opens nothing after it. Codes are computed by the test from the key on the page, at the
 * app's clock, as an authenticator app would.
 */
const EMAIL = 'coordinator@test.kpac';
const PASSWORD = 'coordinator-password-1';

describe('second factor in a real browser (issue 11)', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    // The default configuration: TWO_FACTOR=admins.
    ({ t, base } = await listeningApp());
    await t.http().post('/api/v1/users').set(bearer(t.adminToken)).send({ email: EMAIL, password: PASSWORD, role: 'admin' }).expect(201);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function password(page: Page) {
    await page.goto(`${base}/login`);
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit].primary')]);
  }
  async function code(page: Page, otp: string) {
    expect(await page.locator('form[action="/login/code"]').count()).toBe(1);
    await page.fill('#otp', otp);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/login/code"] button.primary')]);
  }
  async function logout(page: Page) {
    await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button')]);
  }
  const path = (page: Page) => new URL(page.url()).pathname;

  it('first login: QR code and key, the first code, ten recovery codes shown once, then the dashboard', async () => {
    const ctx = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 }, extraHTTPHeaders: { 'accept-language': 'en' } });
    const page = await ctx.newPage();
    const hosts = new Set<string>();
    page.on('request', (req) => hosts.add(new URL(req.url()).host));
    await password(page);
    expect(await page.textContent('h1')).toContain('Set up the second factor');
    // The QR code is an SVG drawn by the server, visible and of a scannable size.
    const qr = page.locator('.qr svg');
    expect(await qr.count()).toBe(1);
    const box = (await qr.boundingBox())!;
    expect(box.width).toBeGreaterThan(150);
    expect(await page.locator('.qr path').count()).toBeGreaterThan(0);
    const secret = (await page.textContent('#totp-secret'))!.replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await screenshot(page, 'two-factor-enrol.png');
    // No session before the code: the admin pages still send to the login page.
    const early = await ctx.newPage();
    await early.goto(`${base}/admin/dashboard`);
    expect(path(early)).toBe('/login');
    await early.close();

    // A wrong code keeps the page (and the same key); the right one turns the factor on.
    await page.fill('#otp', totpAt(secret, t.clock.now(), 5));
    await Promise.all([page.waitForNavigation(), page.click('form[action="/login/enrol"] button.primary')]);
    expect(await page.textContent('.error-summary')).toBeTruthy();
    expect((await page.textContent('#totp-secret'))!.replace(/\s+/g, '')).toBe(secret);
    const first = totpAt(secret, t.clock.now());
    await page.fill('#otp', first);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/login/enrol"] button.primary')]);
    const codes = (await page.locator('#recovery-codes li').allTextContents()).map((c) => c.trim());
    expect(codes).toHaveLength(10);
    codes.forEach((c) => expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/));
    t.remember(EMAIL, { secret, recoveryCodes: codes });
    await Promise.all([page.waitForNavigation(), page.click('a.button.primary')]);
    expect(path(page)).toBe('/admin/dashboard');
    // Shown once: going back to the page does not show them again (it was the answer to a POST).
    await page.goto(`${base}/account/security`);
    expect(await page.content()).not.toContain(codes[0]);
    expect(await page.textContent('#two-factor-state')).toContain('on since');
    expect([...hosts]).toEqual([new URL(base).host]);

    // Later logins ask for the code; the code already used at set-up is refused.
    await logout(page);
    await password(page);
    await code(page, first);
    expect(path(page)).toBe('/login/code');
    expect(await page.textContent('.error-summary')).toContain('used already');
    await code(page, await t.otp(EMAIL));
    expect(path(page)).toBe('/admin/dashboard');

    // A recovery code instead of the app's code works once.
    await logout(page);
    await password(page);
    await code(page, codes[3]);
    expect(path(page)).toBe('/admin/dashboard');
    await logout(page);
    await password(page);
    await code(page, codes[3]);
    expect(path(page)).toBe('/login/code');
    expect(await page.textContent('.error-summary')).toBeTruthy();
    await ctx.close();
  });

  it('a session cookie copied before logout opens nothing after it', async () => {
    const ctx = await browser.newContext({ locale: 'en-GB' });
    const page = await ctx.newPage();
    await password(page);
    await code(page, await t.otp(EMAIL));
    expect(path(page)).toBe('/admin/dashboard');
    const stolen = await ctx.cookies();
    expect(stolen.find((c) => c.name === 'kpac_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await logout(page);

    const thief = await browser.newContext({ locale: 'en-GB' });
    await thief.addCookies(stolen);
    const tp = await thief.newPage();
    await tp.goto(`${base}/admin/dashboard`);
    expect(path(tp)).toBe('/login');
    expect((await tp.goto(`${base}/admin/queues`))!.status()).toBe(401);
    await Promise.all([ctx.close(), thief.close()]);
  });
});
