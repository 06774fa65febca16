/// <reference lib="dom" />
import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, listeningApp, logIn, phoneContext, screenshot } from '../support/browser';
import { cityByCode, seedFacility, seedMember, SeededMember } from '../support/fixtures';
import { insertComplaints } from '../support/stats-fixtures';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TestApp } from '../support/test-app';

/**
 * Issue 13, items 7 and 10, at 360 × 740 in Chromium: chart text at least 12 px as drawn (font size
 * times the SVG's scale on screen), nothing past the screen's edge, quarters and figures in the
 * reader's words; checkbox and radio rows and the footer's staff link at least 44 px high.
 */
describe('phones: charts and tap targets at 360 px', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let member: SeededMember;

  beforeAll(async () => {
    ({ t, base } = await listeningApp({ now: '2026-04-15T09:00:00Z' }));
    const { city: bkh } = await cityByCode(t, 'BKH');
    const { city: dsh } = await cityByCode(t, 'DSH');
    const big = await seedFacility(t, 'BKH', { name: 'Пункт заместительной терапии при городской больнице Бохтара' });
    const small = await seedFacility(t, 'BKH', { name: 'Центр СПИД Бохтар' });
    const small2 = await seedFacility(t, 'BKH', { name: 'Кабинет доверия Бохтар' });
    const specs = [];
    for (let i = 0; i < 12; i++) specs.push({ cityId: bkh.id, receivedAt: `2026-0${1 + (i % 3)}-1${i % 9}T08:00:00Z`, facilityId: big.id, outcome: i % 3 ? ('resolved_positive' as const) : ('resolved_negative' as const) });
    for (let i = 0; i < 6; i++) specs.push({ cityId: bkh.id, receivedAt: `2025-1${i % 3}-0${1 + i}T08:00:00Z`, facilityId: big.id, outcome: 'resolved_positive' as const });
    specs.push({ cityId: bkh.id, receivedAt: '2026-02-03T08:00:00Z', facilityId: small.id, outcome: 'resolved_positive' as const });
    specs.push({ cityId: bkh.id, receivedAt: '2026-02-04T08:00:00Z', facilityId: small2.id, outcome: null });
    for (let i = 0; i < 7; i++) specs.push({ cityId: dsh.id, receivedAt: `2026-03-0${1 + i}T08:00:00Z`, outcome: i % 2 ? ('resolved_positive' as const) : null });
    await insertComplaints(t, specs);
    member = await seedMember(t, 'BKH', { name: 'Зарина' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const phone = (locale: string): Promise<BrowserContext> => phoneContext(browser, locale);

  const login = (page: Page, email: string, password?: string) => logIn(t, page, base, email, password);

  /** Every text of every chart: its size on screen and whether it stays inside the SVG and the screen. */
  const chartTexts = (page: Page) =>
    page.$$eval('section.chart svg text', (nodes) =>
      nodes.map((n) => {
        const el = n as SVGTextElement;
        const svg = el.ownerSVGElement!;
        const scale = svg.getScreenCTM()!.a;
        const box = el.getBoundingClientRect();
        const frame = svg.getBoundingClientRect();
        return {
          text: el.textContent ?? '',
          px: parseFloat(getComputedStyle(el).fontSize) * scale,
          bboxPx: el.getBBox().height * scale,
          inside: box.left >= frame.left - 0.5 && box.right <= frame.right + 0.5,
          right: box.right,
        };
      }),
    );

  /** Elements reaching past the right edge of the screen (none: no horizontal scroll). */
  const pastTheEdge = (page: Page) =>
    page.evaluate(() => Array.from(document.querySelectorAll('body *')).filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5).map((e) => `${e.tagName.toLowerCase()}.${e.className}`));

  it('admin dashboard (ru): chart text ≥ 12 px, inside the screen, quarters and figures in words', async () => {
    const ctx = await phone('ru-RU');
    const page = await ctx.newPage();
    await login(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${base}/admin/dashboard?from=2025-10-01&to=2026-03-31`);
    expect(await page.locator('section.chart svg[role=img]').count()).toBeGreaterThanOrEqual(3);
    const texts = await chartTexts(page);
    expect(texts.length).toBeGreaterThan(10);
    for (const x of texts) {
      expect({ text: x.text, px: x.px >= 12, bbox: x.bboxPx >= 12, inside: x.inside, onScreen: x.right <= 360 }).toEqual({ text: x.text, px: true, bbox: true, inside: true, onScreen: true });
    }
    const all = texts.map((x) => x.text);
    expect(all).toEqual(expect.arrayContaining(['I кв. 2026', 'IV кв. 2025', 'Бохтар', 'Душанбе']));
    expect(all.join('\n')).not.toMatch(/\d{4}-Q\d|\d+ \(\d+\)/);
    expect(all.some((s) => /^решено положительно: \d+ из \d+ жалоб/.test(s))).toBe(true);
    await screenshot(page, 'dashboard-360.png');
    expect(await pastTheEdge(page)).toEqual([]);
    await ctx.close();
  });

  it("member dashboard (tg): the 'Other' row and hidden figures explained in words, text ≥ 12 px", async () => {
    const ctx = await phone('tg-TJ');
    const page = await ctx.newPage();
    await login(page, member.email);
    await page.goto(`${base}/staff/dashboard?from=2025-10-01&to=2026-03-31`);
    const texts = await chartTexts(page);
    expect(texts.length).toBeGreaterThan(5);
    expect(texts.filter((x) => x.px < 12 || !x.inside)).toEqual([]);
    const all = texts.map((x) => x.text);
    expect(all).toEqual(expect.arrayContaining(['Семоҳаи I 2026', 'Дигарҳо (гурӯҳҳои хурд якҷоя)']));
    expect(all).not.toContain('Центр СПИД Бохтар');
    const notes = (await page.locator('.chart-note').allTextContents()).join(' ');
    expect(notes).toContain('«Дигарҳо (гурӯҳҳои хурд якҷоя)» як ҷой нест');
    expect(await pastTheEdge(page)).toEqual([]);
    await ctx.close();
  });

  it('checkbox and radio rows and the footer staff link are at least 44 px high', async () => {
    const ctx = await phone('ru-RU');
    const page = await ctx.newPage();
    const heights = async (selector: string) => (await page.locator(selector).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height)));
    await page.goto(`${base}/`);
    const foot = await heights('footer a[href="/login"]');
    expect(foot.length).toBe(1);
    expect(foot[0]).toBeGreaterThanOrEqual(44);
    await page.goto(`${base}/complain`);
    const checks = await heights('label:has(> input[type=checkbox]), label:has(> input[type=radio])');
    expect(checks.length).toBeGreaterThanOrEqual(3);
    expect(Math.min(...checks)).toBeGreaterThanOrEqual(44);
    await page.goto(`${base}/feedback`);
    const radios = await heights('label:has(> input[type=radio])');
    expect(radios.length).toBeGreaterThanOrEqual(5);
    expect(Math.min(...radios)).toBeGreaterThanOrEqual(44);
    // A tap anywhere on the row ticks the box, not only on the 20 px square.
    await page.goto(`${base}/complain`);
    const row = page.locator('label:has(> input[name=mayContact])');
    const box = (await row.boundingBox())!;
    await row.click({ position: { x: box.width - 10, y: box.height - 4 } });
    expect(await page.locator('input[name=mayContact]').isChecked()).toBe(true);
    await ctx.close();
  });
});
