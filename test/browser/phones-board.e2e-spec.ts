/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Actor } from '../../src/auth/actor';
import { ComplaintIntakeService } from '../../src/complaints/complaint-intake.service';
import { Complaint } from '../../src/complaints/complaint.entity';
import { ComplaintsService } from '../../src/complaints/complaints.service';
import { EscalationsService } from '../../src/escalations/escalations.service';
import type { Facility } from '../../src/facilities/facility.entity';
import { User } from '../../src/users/user.entity';
import { launchChromium, listeningApp, logIn, phoneContext, screenshot } from '../support/browser';
import { givenComplaint } from '../support/escalation-fixtures';
import { cityByCode, seedFacility, seedFacilityAdmin, seedMember, SeededMember, SeededStaff } from '../support/fixtures';
import { TestSmtp } from '../support/smtp';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TestApp } from '../support/test-app';

/**
 * Issue 13 items 4–6 at 360 × 740 in Chromium: the HTML 404 in Tajik, the board's closed column
 * and a disputed complaint reopened, the admin account form, and a walk over every page of the
 * service (public, member, facility, admin) in Russian and Tajik checking that nothing scrolls
 * sideways and no visible text is smaller than 12 px.
 */
interface Layout {
  overflow: number;
  /** Boxes that scroll sideways inside the page (a table in its wrapper hides its last columns). */
  scrollers: string[];
  wide: string[];
  small: string[];
  chartSmall: string[];
}

/** Measured in the page: how far it scrolls sideways, what sticks out, which visible text is below 12 px. */
function measure(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const vw = window.innerWidth;
    const overflow = document.documentElement.scrollWidth - vw;
    const label = (e: Element) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${typeof e.className === 'string' && e.className ? '.' + e.className.split(' ').join('.') : ''}`;
    const wide = Array.from(document.querySelectorAll('body *'))
      .filter((e) => e.getBoundingClientRect().right > vw + 0.5 && !e.closest('.skip,.hp,table.stack thead'))
      .slice(0, 6)
      .map(label);
    const scrollers = Array.from(document.querySelectorAll('body *'))
      .filter((e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1)
      .map((e) => `${label(e)} ${e.scrollWidth}>${e.clientWidth}`);
    const small: string[] = [];
    const chartSmall: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim();
      const el = n.parentElement;
      if (!text || !el) continue;
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      if (style.visibility === 'hidden' || box.width === 0 || box.height === 0 || el.closest('[hidden],.hp,.skip')) continue;
      let px = parseFloat(style.fontSize);
      // SVG text is scaled with its drawing: the size on screen is the drawn box's.
      const svg = el.closest('svg');
      if (svg) px = (el as unknown as SVGGraphicsElement).getBoundingClientRect().height;
      if (px < 12) (el.closest('.chart,svg') ? chartSmall : small).push(`${label(el)} ${px.toFixed(1)}px "${text.slice(0, 24)}"`);
    }
    return { overflow, scrollers, wide, small, chartSmall };
  });
}

describe('phones: error pages, the board, admin forms, every page at 360 px (issue 13 items 4–6)', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let browser: Browser;
  let base: string;
  let member: SeededMember;
  let facilityAdmin: SeededStaff;
  let site: Facility;
  let disputed: Complaint;
  let rejected: Complaint;
  let responseLink: string;
  /** Chart text below 12 px: the charts are another helper's; recorded here, not failed. */
  const chartFindings: string[] = [];

  const context = (locale: string): Promise<BrowserContext> => phoneContext(browser, locale);

  const login = (page: Page, email: string, password?: string) => logIn(t, page, base, email, password);

  /** The page at 360 px: no sideways scroll, no visible text under 12 px (chart text recorded apart). */
  async function expectFits(page: Page, path: string) {
    const m = await measure(page);
    if (m.chartSmall.length) chartFindings.push(`${path}: ${m.chartSmall.slice(0, 3).join('; ')}`);
    expect({ path, wide: m.overflow > 0 ? m.wide : [], scrollers: m.scrollers, small: m.small }).toEqual({ path, wide: [], scrollers: [], small: [] });
    expect([path, m.overflow <= 0]).toEqual([path, true]);
  }

  async function walk(page: Page, paths: string[]) {
    for (const path of paths) {
      const res = await page.goto(`${base}${path}`);
      expect([path, res!.status()]).toEqual([path, path.startsWith('/no-such') ? 404 : 200]);
      await expectFits(page, path);
    }
  }

  beforeAll(async () => {
    smtp = new TestSmtp();
    await smtp.start();
    ({ t, base } = await listeningApp({ smtp }));
    site = await seedFacility(t, 'BKH', { name: 'Пункт заместительной терапии при Центре СПИД города Бохтар', type: 'ost_site', language: 'ru', contactEmails: ['ost.bokhtar@facility.test'] });
    await seedFacility(t, 'BKH', { name: 'Хатлонское областное управление здравоохранения', type: 'authority', language: 'tg' });
    member = await seedMember(t, 'BKH', { name: 'Зарина Бохтарова' });
    facilityAdmin = await seedFacilityAdmin(t, site.id);

    // A disputed complaint (the complainant answered "not resolved" on /track), a rejected one, an open one.
    const { city } = await cityByCode(t, 'BKH');
    const admin = await t.db.manager.findOneByOrFail(User, { role: 'admin' });
    const actor: Actor = { kind: 'admin', userId: admin.id };
    const made = await t.app.get(ComplaintIntakeService).submitStaff(actor, {
      cityId: city.id,
      facilityId: site.id,
      category: 'opening_hours',
      description: 'Пункт закрывается в полдень, а я работаю до вечера и не успеваю получить дозу.',
      keyPopulations: ['people_who_use_drugs'],
      consents: { mayContact: false, discloseIdentityToFacility: false },
    });
    const complaints = t.app.get(ComplaintsService);
    await complaints.triage(actor, made.id!, { decision: 'accept' });
    await complaints.resolve(actor, made.id!, { outcome: 'resolved_positive' });
    await t.http().post('/api/v1/public/complaints/confirm').send({ reference: made.reference, trackingCode: made.trackingCode, resolvedForMe: false }).expect(200);
    disputed = await t.db.manager.findOneByOrFail(Complaint, { id: made.id! });
    rejected = await givenComplaint(t, 'BKH', { status: 'rejected', description: 'Совсем не про услуги совета, а про соседей.' });
    // One escalated, so the facility pages and the response link have something to show.
    const escalated = await givenComplaint(t, 'BKH', { status: 'in_review', facilityId: site.id, description: 'Медсестра кричала на меня при всех в очереди.' });
    await t.app.get(EscalationsService).escalate(actor, escalated.id, {
      facilityId: site.id,
      summary: 'Клиент сообщает о грубом обращении медсестры в очереди. Просим разобраться и сообщить о принятых мерах.',
    });
    const mails = await smtp.waitFor((m) => m.some((x) => /\/respond\//.test(x.text)), 20_000, 'escalation e-mail');
    responseLink = mails.find((x) => /\/respond\//.test(x.text))!.text.match(/\/respond\/[A-Za-z0-9_-]{43}/)![0];
    browser = await launchChromium();
  });

  afterAll(async () => {
    if (chartFindings.length) process.stdout.write(`Findings left to others (charts; bull-board):\n  ${chartFindings.join('\n  ')}\n`);
    await browser?.close();
    await t?.close();
    await smtp?.stop();
  });

  it('answers an unknown address with a 404 page in Tajik, in the site layout', async () => {
    const ctx = await context('tg');
    const page = await ctx.newPage();
    const res = await page.goto(`${base}/no-such-page`);
    expect(res!.status()).toBe(404);
    expect(await page.getAttribute('html', 'lang')).toBe('tg');
    expect(await page.textContent('h1')).toBe('Саҳифа ёфт нашуд');
    expect(await page.locator('header.top .brand').count()).toBe(1);
    await expectFits(page, '/no-such-page');
    // The language switch on the error page leads back to the same address in Russian.
    await Promise.all([page.waitForNavigation(), page.click('a[hreflang="ru"]')]);
    expect(await page.textContent('h1')).toBe('Страница не найдена');
    const icon = await page.goto(`${base}/favicon.ico`);
    expect(icon!.status()).toBe(200);
    await ctx.close();
  });

  it('a member finds the disputed complaint in the closed column, filters by status and reopens it', async () => {
    const ctx = await context('ru-RU');
    const page = await ctx.newPage();
    await login(page, member.email);
    await page.goto(`${base}/staff`);
    const closed = page.locator('[data-column="colClosed"]');
    expect(await closed.locator('a.ref').allTextContents()).toEqual([rejected.reference, disputed.reference]);
    const card = closed.locator('li', { has: page.locator(`a.ref:text("${disputed.reference}")`) });
    expect(await card.locator('.badge.disputed').textContent()).toBe('Оспорена');
    await screenshot(page, 'board-closed-360.png');
    await expectFits(page, '/staff');
    // The filter form fits 360 px and narrows the board to the disputed ones.
    await page.selectOption('#f-status', 'disputed');
    await Promise.all([page.waitForNavigation(), page.click('form.filters button[type=submit]')]);
    expect(new URL(page.url()).searchParams.get('status')).toBe('disputed');
    expect(await page.locator('[data-column]').count()).toBe(1);
    expect(await page.locator('[data-column="colDisputed"] a.ref').allTextContents()).toEqual([disputed.reference]);
    await expectFits(page, '/staff?status=disputed');
    await Promise.all([page.waitForNavigation(), page.click(`a.ref:text("${disputed.reference}")`)]);
    expect(await page.textContent('#disputed')).toContain('Заявитель ответил, что его проблема не решена');
    await expectFits(page, `/staff/complaints/${disputed.id}`);
    await page.click('#disputed a[href="#reopen"]');
    await page.fill('#o-note', 'Заявительница говорит, что часы работы не изменились.');
    await Promise.all([page.waitForNavigation(), page.click('#reopen button[type=submit]')]);
    expect(await page.textContent('#case-status')).toContain('На рассмотрении');
    expect(await page.locator('#disputed').count()).toBe(0);
    await ctx.close();
  });

  it('the admin account form: no default role, only the chosen role’s field, refusals in Russian next to the field', async () => {
    const ctx = await context('ru-RU');
    const page = await ctx.newPage();
    await login(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${base}/admin/users`);
    expect(await page.inputValue('#u-role')).toBe('');
    // With the script, neither role's field shows until a role is chosen; then only that one.
    expect(await page.isVisible('#u-member')).toBe(false);
    expect(await page.isVisible('#u-facility')).toBe(false);
    await page.selectOption('#u-role', 'kpac_member');
    expect(await page.isVisible('#u-member')).toBe(true);
    expect(await page.isVisible('#u-facility')).toBe(false);
    expect(await page.textContent('#u-member')).toContain('Зарина Бохтарова (Бохтар)');
    await expectFits(page, '/admin/users');
    // The browser would stop the form for the missing member; the service's own refusal is what is shown without that check.
    await page.fill('#u-email', 'new-member@test.kpac');
    await page.fill('#u-password', 'long-enough-password');
    await page.evaluate(() => ((document.getElementById('new-account') as HTMLFormElement).noValidate = true));
    await Promise.all([page.waitForNavigation(), page.click('#new-account button[type=submit]')]);
    expect(await page.textContent('#memberId-error')).toBe('Учётной записи члена совета нужен член совета, которому она принадлежит: выберите его.');
    expect(await page.content()).not.toContain('memberId is required');
    expect(await page.inputValue('#u-role')).toBe('kpac_member');
    await expectFits(page, '/admin/users (refused)');
    // A refusal only the service can make (the address is taken), next to the e-mail field.
    await page.fill('#u-email', ADMIN_EMAIL);
    await page.fill('#u-password', 'long-enough-password');
    await page.selectOption('#u-role', 'admin');
    await Promise.all([page.waitForNavigation(), page.click('#new-account button[type=submit]')]);
    expect(await page.textContent('#email-error')).toContain('Учётная запись с этим адресом уже есть');
    await ctx.close();
  });

  it.each(['ru-RU', 'tg'])('every page fits 360 px with text of 12 px or more (%s)', async (locale) => {
    const ctx = await context(locale);
    const page = await ctx.newPage();
    await walk(page, ['/', '/complain', '/track', '/feedback', '/login', '/no-such-page', responseLink, '/respond/thanks']);
    // The done page after a real submission (the public forms' content is another helper's; its layout is checked here).
    await page.goto(`${base}/complain`);
    await page.selectOption('#cityId', { index: 1 });
    await page.selectOption('#category', { index: 1 });
    await page.fill('#description', 'Очередь в пункте была шесть часов, а окно закрылось перед нами.');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/complain"] button.primary')]);
    expect(new URL(page.url()).pathname).toBe('/complain/done');
    await expectFits(page, '/complain/done');

    const staff = await ctx.newPage();
    await login(staff, member.email);
    await walk(staff, ['/staff', '/staff?status=resolved', '/staff/council', '/staff/dashboard', '/staff/intake', `/staff/complaints/${disputed.id}`, `/staff/complaints/${rejected.id}`, '/account/security']);
    // A paper complaint entered by the member: the page with the codes to hand over.
    await staff.goto(`${base}/staff/intake`);
    await staff.selectOption('#i-category', { index: 1 });
    await staff.fill('#i-description', 'Записано со слов клиента на выездной работе: в аптеке отказались выдать шприцы.');
    await Promise.all([staff.waitForNavigation(), staff.click('form[action="/staff/intake"] button.primary')]);
    expect(new URL(staff.url()).pathname).toBe('/staff/intake/done');
    await expectFits(staff, '/staff/intake/done');

    const facilityCtx = await context(locale);
    const fp = await facilityCtx.newPage();
    await login(fp, facilityAdmin.email);
    await walk(fp, ['/facility', '/account/security']);
    await facilityCtx.close();

    const adminCtx = await context(locale);
    const ap = await adminCtx.newPage();
    await login(ap, ADMIN_EMAIL, ADMIN_PASSWORD);
    await walk(ap, [
      '/staff',
      '/admin/dashboard',
      '/admin/councils',
      `/staff/council?id=${member.councilId}`,
      '/admin/facilities',
      `/admin/facilities/${site.id}/edit`,
      '/admin/users',
      '/admin/audit',
      `/staff/complaints/${rejected.id}`,
      '/account/security',
    ]);
    // The queue dashboard is bull-board's own page (its styles, not ours): measured and recorded, not failed.
    await ap.goto(`${base}/admin/queues`);
    await ap.waitForLoadState('networkidle');
    const queues = await measure(ap);
    if (queues.overflow > 0 || queues.small.length) chartFindings.push(`/admin/queues (bull-board): sideways ${queues.overflow}px; small text ${queues.small.length}`);
    await adminCtx.close();
    await ctx.close();
  });
});
