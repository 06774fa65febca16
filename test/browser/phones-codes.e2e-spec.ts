/// <reference lib="dom" />
import { Browser, BrowserContext, Page } from 'playwright-core';
import type { Facility } from '../../src/facilities/facility.entity';
import { Complaint } from '../../src/complaints/complaint.entity';
import { launchChromium, listeningApp, screenshot } from '../support/browser';
import { bearer, seedFacility, seedMember, SeededMember } from '../support/fixtures';
import type { TestApp } from '../support/test-app';

const CYRILLIC: Record<string, string> = { A: 'А', B: 'В', E: 'Е', K: 'К', M: 'М', H: 'Н', O: 'О', P: 'Р', C: 'С', T: 'Т', X: 'Х' };
const asCyrillic = (s: string) => s.replace(/[ABEKMHOPCTX]/g, (ch) => CYRILLIC[ch]);

/**
 * Issue 13, items 1–3 on a 360 × 740 phone in Chromium, in Tajik: the code typed on a Cyrillic
 * keyboard, the done page after a reload, the public note, the comment kept, the error summary.
 */
describe('codes and forms on a phone (Chromium, 360 × 740)', () => {
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

  const phone = (locale = 'tg'): Promise<BrowserContext> => browser.newContext({ locale, viewport: { width: 360, height: 740 }, extraHTTPHeaders: { 'accept-language': locale } });
  const noHorizontalScroll = async (page: Page) => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

  /** Files a complaint through the form; answers the codes as the done page shows them. */
  async function fileComplaint(page: Page) {
    await page.goto(`${base}/complain`);
    await page.selectOption('#cityId', { label: 'Бохтар' });
    await page.selectOption('#facilityId', { label: site.name });
    await page.selectOption('#category', 'opening_hours');
    await page.fill('#description', 'Нуқта нисфирӯзӣ баста мешавад; ман пеш аз кор расида наметавонам.');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/complain"] button.primary')]);
    expect(new URL(page.url()).pathname).toBe('/complain/done');
    return { reference: (await page.textContent('#reference'))!.trim(), trackingCode: (await page.textContent('#tracking-code'))!.trim() };
  }

  it('the done page survives a reload, never breaks a group, and the Cyrillic-typed codes find the complaint with its public note', async () => {
    const ctx = await phone();
    const page = await ctx.newPage();
    const { reference, trackingCode } = await fileComplaint(page);
    expect(reference).toMatch(/^BKH-\d{2}-\d{4}$/);
    expect(trackingCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    await noHorizontalScroll(page);
    // Each group sits on one line (one box), whatever the width.
    const boxesPerGroup = await page.$$eval('.code .grp', (els) => els.map((e) => e.getClientRects().length));
    expect(boxesPerGroup).toHaveLength(3 + 4);
    expect(boxesPerGroup.every((n) => n === 1)).toBe(true);

    await page.reload();
    expect((await page.textContent('#tracking-code'))!.trim()).toBe(trackingCode);
    await Promise.all([page.waitForNavigation(), page.click('a[href="/complain/done?view=print"]')]);
    expect((await page.textContent('#tracking-code'))!.trim()).toBe(trackingCode);
    expect(await page.isVisible('button[data-print]')).toBe(true);
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('header.top')).toBe(false);
    expect(await page.isVisible('#tracking-code')).toBe(true);
    await page.emulateMedia({ media: 'screen' });

    // The council records the outcome with words for the complainant.
    const { id } = await t.db.manager.findOneByOrFail(Complaint, { reference });
    await t.http().post(`/api/v1/complaints/${id}/triage`).set(bearer(member.token)).send({ decision: 'accept' }).expect(200);
    const note = 'Аз 1 апрел нуқта ҳар рӯз то соати 14:00 кор мекунад.';
    await t.http().post(`/api/v1/complaints/${id}/resolution`).set(bearer(member.token)).send({ outcome: 'resolved_positive', publicNote: note }).expect(200);

    // Typed on a Tajik keyboard: Cyrillic В, К, Н…, lower case, spaces for dashes.
    await page.goto(`${base}/track`);
    await page.fill('#reference', asCyrillic(reference).toLowerCase().replace(/-/g, ' '));
    await page.fill('#trackingCode', asCyrillic(trackingCode).toLowerCase().replace(/-/g, ' '));
    await Promise.all([page.waitForNavigation(), page.click('form[action="/track"] button.primary')]);
    expect((await page.textContent('dd.ref'))!.trim()).toBe(reference);
    expect(await page.textContent('#outcome')).toContain('Мушкил ҳал шуд');
    expect(await page.textContent('#public-note')).toContain(note);
    const noteBox = (await page.locator('#public-note').boundingBox())!;
    const questionBox = (await page.locator('form[action="/track/confirm"]').boundingBox())!;
    expect(noteBox.y).toBeLessThan(questionBox.y);
    await screenshot(page, 'track-outcome-tg-360.png');
    expect(await page.textContent('form[action="/track/confirm"]')).toContain('Бале, мушкили ман ҳал шуд');
    await noHorizontalScroll(page);

    // A comment typed without choosing yes/no stays; the summary takes focus and links to the choice.
    await page.fill('#comment', 'Акнун беҳтар шуд, ташаккур.');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/track/confirm"] button.primary')]);
    expect(await page.inputValue('#comment')).toBe('Акнун беҳтар шуд, ташаккур.');
    expect(await focusedId(page)).toBe('error-summary');
    expect(await page.getAttribute('#error-summary a', 'href')).toBe('#resolvedForMe-yes');
    await page.check('#resolvedForMe-yes');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/track/confirm"] button.primary')]);
    expect(await page.textContent('#verdict')).toContain('ҳал шуд');
    await ctx.close();
  });

  it('the complaint form: every error at once in a focused summary of links; a language switch keeps the text', async () => {
    const ctx = await phone('tg');
    const page = await ctx.newPage();
    await page.goto(`${base}/complain`);
    await page.fill('#description', '>');
    await page.fill('#phone', 'занг занед');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/complain"] button.primary')]);
    expect(await focusedId(page)).toBe('error-summary');
    const links = await page.$$eval('#error-summary a', (as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(expect.arrayContaining(['#cityId', '#category', '#description', '#phone']));
    expect(await page.textContent('#description-error')).toContain('5 ҳарф');
    expect(await page.textContent('#phone-error')).toContain('танҳо бо рақамҳо, фосила ва +');
    // Following a link brings its field into view.
    await page.click('#error-summary a[href="#phone"]');
    expect(new URL(page.url()).hash).toBe('#phone');
    await noHorizontalScroll(page);

    // Switching to Russian mid-form (the header link, with JavaScript) keeps what was typed.
    await page.fill('#description', 'Мы ждали шесть часов у окна.');
    await Promise.all([page.waitForNavigation(), page.click('.langs a[hreflang="ru"]')]);
    expect(await page.getAttribute('html', 'lang')).toBe('ru');
    expect(await page.inputValue('#description')).toBe('Мы ждали шесть часов у окна.');
    expect(await page.inputValue('#phone')).toBe('занг занед');
    expect(await page.textContent('form[action="/complain"]')).toContain('позвонит только член совета');
    await ctx.close();
  });
});
