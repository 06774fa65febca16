/// <reference lib="dom" />
import { readFile } from 'node:fs/promises';
import { Browser, Page } from 'playwright-core';
import type { Facility } from '../../src/facilities/facility.entity';
import { launchChromium, listeningApp, logIn } from '../support/browser';
import { seedFacility, seedMember, SeededMember } from '../support/fixtures';
import { pdfText, slipLinks } from '../support/slip-pdf-reader';
import type { TestApp } from '../support/test-app';

/**
 * Issue 15, item 1 in Chromium: a member prints a batch of slips from the staff page (a real
 * download), enters two of them on the intake page, and each person follows theirs by opening the
 * URL their slip's QR code encodes on a phone — the form is filled in, one tap shows the status.
 */
describe('complaint-box slips in the browser (Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let member: SeededMember;
  let site: Facility;

  beforeAll(async () => {
    ({ t, base } = await listeningApp());
    site = await seedFacility(t, 'BKH', { name: 'Нуқтаи табобати ивазкунанда Бохтар', type: 'ost_site', language: 'tg' });
    member = await seedMember(t, 'BKH');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const login = (page: Page, email: string, password?: string) => logIn(t, page, base, email, password);

  it('prints 8 slips, enters two, and each is followed through the URL of its QR code', async () => {
    const staff = await browser.newContext({ locale: 'ru-RU', acceptDownloads: true, extraHTTPHeaders: { 'accept-language': 'ru' } });
    const sp = await staff.newPage();
    await login(sp, member.email);
    await sp.click('nav.staff-nav a[href="/staff/slips"]');
    await sp.waitForURL(`${base}/staff/slips`);
    await sp.selectOption('#s-facility', { label: site.name });
    await sp.fill('#s-count', '8');
    await sp.selectOption('#s-language', 'tg');
    const [download] = await Promise.all([sp.waitForEvent('download'), sp.click('#slips-form button.primary')]);
    expect(download.suggestedFilename()).toMatch(/^slips-[0-9a-f]{8}\.pdf$/);
    const pdf = await readFile((await download.path())!);

    const { text, pages, qrs } = await pdfText(pdf, { qr: true });
    expect(pages).toBe(2);
    const slips = slipLinks(pdf);
    expect(slips).toHaveLength(8);
    // What a phone's camera reads off the printed page is the slip's own link.
    expect(qrs).toEqual(slips.slice(0, 4).map((s) => s.url));
    for (const s of slips) {
      expect(text).toContain(s.reference);
      expect(text).toContain(s.code);
      expect(s.url.startsWith(`${base}/track?`)).toBe(true);
    }
    expect(text).toContain(site.name);

    // Two slips out of the box, typed in by the member.
    for (const s of slips.slice(0, 2)) {
      await sp.goto(`${base}/staff/intake`);
      await sp.fill('#i-slip', s.reference);
      await sp.selectOption('#i-category', 'staff_attitude');
      await sp.fill('#i-description', 'Написано на бланке: медсестра накричала на меня в очереди.');
      await Promise.all([sp.waitForNavigation(), sp.click('form[action="/staff/intake"] button.primary')]);
      expect(new URL(sp.url()).pathname).toBe('/staff/intake/done');
      expect((await sp.textContent('#reference'))!.trim()).toBe(s.reference);
      expect(await sp.isVisible('#slip-code-note')).toBe(true);
      expect(await sp.locator('#tracking-code').count()).toBe(0);
    }
    await staff.close();

    // Each person scans their tear-off on a phone: the page opens filled in, and looks nothing up until asked.
    for (const s of slips.slice(0, 2)) {
      const phone = await browser.newContext({ locale: 'tg', viewport: { width: 360, height: 740 }, extraHTTPHeaders: { 'accept-language': 'tg' } });
      const page = await phone.newPage();
      await page.goto(s.url);
      expect(await page.inputValue('#reference')).toBe(s.reference);
      expect(await page.inputValue('#trackingCode')).toBe(s.code);
      expect(await page.locator('#status').count()).toBe(0);
      await Promise.all([page.waitForNavigation(), page.click('form[action="/track"] button.primary')]);
      expect(new URL(page.url()).search).toBe('');
      expect((await page.textContent('dd.ref'))!.trim()).toBe(s.reference);
      expect(await page.isVisible('#status')).toBe(true);
      await phone.close();
    }

    // An unused slip's code opens nothing yet.
    const phone = await browser.newContext({ locale: 'tg', extraHTTPHeaders: { 'accept-language': 'tg' } });
    const page = await phone.newPage();
    await page.goto(slips[2].url);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/track"] button.primary')]);
    expect(await page.locator('#status').count()).toBe(0);
    await phone.close();
  });
});
