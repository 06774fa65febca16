import { User } from '../../src/users/user.entity';
import { seedMember } from '../support/fixtures';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, TestApp } from '../support/test-app';
import { webLogin } from '../support/web-client';

/** Admin forms for people on phones: a role is chosen, refusals are translated next to their field and state the rule. */
describe('admin forms: roles, translated refusals, cities, first day off the seat', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof webLogin>>;
  let member: Awaited<ReturnType<typeof seedMember>>;
  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_RATE_LIMIT: '1000' } });
    member = await seedMember(t, 'BKH', { name: 'Зарина Бохтарова', login: false });
    admin = await webLogin(t, ADMIN_EMAIL, ADMIN_PASSWORD);
  });
  afterAll(async () => t?.close());

  const newAccount = { email: 'new-member@test.kpac', password: 'long-enough-password' };
  const fieldError = (html: string, field: string) => html.match(new RegExp(`id="${field}-error">([^<]*)<`))?.[1];

  it('offers no default role, groups the fields of each role with a note, and shows each member with their city', async () => {
    const page = await admin.get('/admin/users');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<select id="u-role" name="role" required data-role-switch><option value="" selected>— выберите роль —<\/option>/);
    expect(page.text).not.toMatch(/<option value="admin" selected>/);
    expect(page.text).toContain('data-for-role="kpac_member"');
    expect(page.text).toContain('data-for-role="facility_admin"');
    expect(page.text).toContain('Заполните только то, что нужно выбранной роли');
    expect(page.text).toContain('Зарина Бохтарова (Бохтар)');
    // The password rule is stated before anyone gets it wrong.
    expect(page.text).toContain('Пароль должен содержать не меньше 12 знаков');
    expect(page.text).toContain('minlength="12"');
  });

  it('refuses an account without a role, saying to choose one, and creates nothing', async () => {
    const before = await t.db.manager.count(User);
    const res = await admin.post('/admin/users', '/admin/users', { ...newAccount, role: '' });
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'role')).toBe('Выберите роль учётной записи: от неё зависит, что человек увидит.');
    expect(await t.db.manager.count(User)).toBe(before);
  });

  it('shows the service’s refusal translated next to its field, never its English', async () => {
    const res = await admin.post('/admin/users', '/admin/users', { ...newAccount, role: 'kpac_member' });
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'memberId')).toBe('Учётной записи члена совета нужен член совета, которому она принадлежит: выберите его.');
    expect(res.text).not.toContain('memberId is required');
    expect(res.text).not.toContain('Отказано');
    expect(res.text).toContain('Исправьте отмеченные поля.');
    // The chosen role stays chosen, and only its group is shown.
    expect(res.text).toContain('<option value="kpac_member" selected>');
    expect(res.text).toMatch(/data-for-role="facility_admin" hidden/);
    const tg = await t.http().post('/admin/users').set('cookie', `${admin.jar.header()}; lang=tg`).type('form').send({ ...newAccount, role: 'kpac_member', _csrf: (await admin.get('/admin/users')).text.match(/name="_csrf" value="([^"]+)"/)![1] });
    expect(fieldError(tg.text, 'memberId')).toBe('Ба ҳисоби аъзои шӯро аъзое лозим аст, ки ҳисоб ба ӯ тааллуқ дорад: интихоб кунед.');
    const ok = await admin.post('/admin/users', '/admin/users', { ...newAccount, role: 'kpac_member', memberId: String(member.memberId) });
    expect(ok.status).toBe(303);
    const list = await admin.get('/admin/users');
    expect(list.text).toMatch(/new-member@test\.kpac<\/td>.*Зарина Бохтарова \(Бохтар\)/);
    const again = await admin.post('/admin/users', '/admin/users', { ...newAccount, role: 'admin' });
    expect(again.status).toBe(409);
    expect(fieldError(again.text, 'email')).toContain('Учётная запись с этим адресом уже есть');
  });

  it('states the real rule for a short password, an empty facility name and an empty member name', async () => {
    const short = await admin.post('/admin/users', '/admin/users', { email: 'short@test.kpac', password: 'short', role: 'admin' });
    expect(short.status).toBe(400);
    expect(fieldError(short.text, 'password')).toBe('Пароль должен содержать не меньше 12 знаков (несколько слов — хороший пароль).');
    const facility = await admin.post('/admin/facilities', '/admin/facilities', { name: '  ', cityId: String(member.cityId), type: 'clinic', contactEmails: '', language: 'ru', slaDays: '10' });
    expect(facility.status).toBe(400);
    expect(fieldError(facility.text, 'name')).toBe('Напишите название: минимум знаков — 2.');
    const person = await admin.post('/admin/councils', '/admin/members', { councilId: String(member.councilId), name: '   ', constituency: 'plhiv', termStart: t.clock.now().toISOString().slice(0, 10) });
    expect(person.status).toBe(400);
    expect(fieldError(person.text, 'name')).toBe('Напишите имя; поле не может быть пустым.');
    for (const res of [short, facility, person]) expect(res.text).not.toContain('Напишите немного подробнее');
  });

  it('calls the end of a seat "first day off the seat" on the council page, and stacks its tables on phones', async () => {
    const page = await admin.get(`/staff/council?id=${member.councilId}`);
    expect(page.text).toContain('<label for="end-on">Первый день после срока</label>');
    expect(page.text).toContain('data-label="Первый день после срока"');
    expect(page.text).not.toContain('Последний день');
    for (const path of ['/admin/users', '/admin/facilities', '/admin/councils', `/staff/council?id=${member.councilId}`, '/admin/audit']) {
      expect([path, (await admin.get(path)).text.includes('<table class="stack">')]).toEqual([path, true]);
    }
  });
});
