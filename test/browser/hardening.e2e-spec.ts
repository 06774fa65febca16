/// <reference lib="dom" />
import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, listeningApp } from '../support/browser';
import { seedMember, STAFF_PASSWORD } from '../support/fixtures';
import type { TestApp } from '../support/test-app';

/**
 * Issue 11 in Chromium: the redirect tricks do not take the browser off the site (the tab trick
 * did: Chromium strips the tab from `/\t/evil.example` and follows `//evil.example`), and the done
 * page keeps the code across reloads on that device only, for 15 minutes, with no code in any
 * cookie the browser holds.
 */
describe('issue 11 in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  /** Every request the browser made to the evil host (answered locally, never over the network). */
  const evilHits: string[] = [];

  beforeAll(async () => {
    ({ t, base } = await listeningApp());
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function newContext(): Promise<BrowserContext> {
    const context = await browser.newContext({ locale: 'ru-RU', viewport: { width: 360, height: 740 } });
    await context.route((url) => url.hostname === 'evil.example', async (route) => {
      evilHits.push(route.request().url());
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>evil</title>' });
    });
    return context;
  }

  const onSite = (page: Page) => expect(new URL(page.url()).origin).toBe(base);
  const TRICKS = ['/%09/evil.example', '//evil.example', '/%5Cevil.example', '/%5C/evil.example', 'https://evil.example', '/%0D%0A/evil.example'];

  it('the language switch never leaves the site, whatever next says', async () => {
    const context = await newContext();
    const page = await context.newPage();
    for (const next of TRICKS) {
      const res = await page.goto(`${base}/lang/en?next=${next}`);
      expect([next, res?.status()]).toEqual([next, 200]);
      onSite(page);
      expect(new URL(page.url()).pathname).toBe('/');
      expect(await page.getAttribute('html', 'lang')).toBe('en');
    }
    const kept = await page.goto(`${base}/lang/tg?next=/track`);
    expect(kept?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/track');
    expect(evilHits).toEqual([]);
    await context.close();
  });

  it('logging in from a link with a redirect trick lands on the staff pages, not off the site', async () => {
    for (const next of TRICKS.slice(0, 3)) {
      const member = await seedMember(t, 'BKH', { login: false });
      const context = await newContext();
      const page = await context.newPage();
      await page.goto(`${base}/login?next=${next}`);
      await page.fill('#email', member.email);
      await page.fill('#password', STAFF_PASSWORD);
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit].primary')]);
      onSite(page);
      expect(new URL(page.url()).pathname).not.toBe('/login');
      await context.close();
    }
    expect(evilHits).toEqual([]);
  });

  it('the done page survives reloads for 15 minutes on this device only, and no cookie holds the code', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${base}/complain`);
    await page.selectOption('#cityId', { label: 'Бохтар' });
    await page.selectOption('#category', 'waiting_time');
    await page.fill('#description', 'Ждали у окна шесть часов, потом сказали прийти завтра.');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/complain"] button.primary')]);
    expect(new URL(page.url()).pathname).toBe('/complain/done');
    const reference = (await page.textContent('#reference'))!.trim();
    const code = (await page.textContent('#tracking-code'))!.trim();
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);

    for (let i = 0; i < 2; i++) {
      await page.reload();
      expect((await page.textContent('#tracking-code'))!.trim()).toBe(code);
    }
    const cookies = await context.cookies();
    expect(cookies.map((c) => c.name)).toContain('kpac_done');
    for (const c of cookies) {
      const value = decodeURIComponent(c.value);
      for (const secret of [code, code.replace(/-/g, ''), reference]) expect([c.name, value.includes(secret)]).toEqual([c.name, false]);
      if (c.name === 'kpac_done') expect([c.httpOnly, c.sameSite]).toEqual([true, 'Strict']);
    }

    // Another phone opening the same address sees nothing.
    const other = await newContext();
    const otherPage = await other.newPage();
    await otherPage.goto(`${base}/complain/done`);
    expect(new URL(otherPage.url()).pathname).toBe('/track');
    expect(await otherPage.content()).not.toContain(code);
    await other.close();

    // 14 minutes on it is still there; past 15 it is gone.
    t.clock.advanceMs(14 * 60_000);
    await page.reload();
    expect((await page.textContent('#tracking-code'))!.trim()).toBe(code);
    t.clock.advanceMs(60_000 + 1);
    await page.reload();
    expect(new URL(page.url()).pathname).toBe('/track');
    expect(await page.content()).not.toContain(code);
    await context.close();
  });
});
