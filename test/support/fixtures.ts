import { hashPassword } from '../../src/auth/password';
import { addMonths } from '../../src/common/dates';
import { City } from '../../src/councils/city.entity';
import { Council } from '../../src/councils/council.entity';
import { Member } from '../../src/councils/member.entity';
import { Term } from '../../src/councils/term.entity';
import type { Constituency } from '../../src/councils/council.constants';
import { Facility } from '../../src/facilities/facility.entity';
import type { FacilityType, Language } from '../../src/facilities/facility.constants';
import { User } from '../../src/users/user.entity';
import type { TestApp } from './test-app';

/**
 * Direct-to-database fixtures so tests of one feature do not depend on another feature's routes.
 * Route-level behaviour of councils, facilities and users is tested in their own suites.
 */

export const STAFF_PASSWORD = 'staff-password-for-tests';
let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

export async function cityByCode(t: TestApp, code: string): Promise<{ city: City; council: Council }> {
  const city = await t.db.manager.findOneOrFail(City, { where: { code } });
  const council = await t.db.manager.findOneOrFail(Council, { where: { cityId: city.id } });
  return { city, council };
}

export interface SeededStaff {
  userId: number;
  email: string;
  token: string;
}

export interface SeededMember extends SeededStaff {
  memberId: number;
  termId: number;
  councilId: number;
  cityId: number;
}

/** A council member with an active term (starting `termStart`, default a year before the clock) and a login. */
export async function seedMember(
  t: TestApp,
  cityCode: string,
  opts: { termStart?: string; constituency?: Constituency; name?: string; login?: boolean } = {},
): Promise<SeededMember> {
  const { city, council } = await cityByCode(t, cityCode);
  const now = t.clock.now();
  const termStart = opts.termStart ?? addMonths(now.toISOString().slice(0, 10), -12);
  const email = `member-${unique()}@test.kpac`;
  const passwordHash = await hashPassword(STAFF_PASSWORD);
  const ids = await t.db.transaction(async ({ em }) => {
    const member = await em.save(Member, em.create(Member, { councilId: council.id, name: opts.name ?? `Member ${unique()}`, createdAt: now }));
    const term = await em.save(
      Term,
      em.create(Term, {
        memberId: member.id,
        councilId: council.id,
        constituency: opts.constituency ?? 'people_who_use_drugs',
        termStart,
        termEnd: addMonths(termStart, council.termMonths),
        endedOn: null,
        endReason: null,
        createdAt: now,
      }),
    );
    const user = await em.save(
      User,
      em.create(User, { email, passwordHash, role: 'kpac_member', memberId: member.id, facilityId: null, active: true, tokenVersion: 0, createdAt: now }),
    );
    return { memberId: member.id, termId: term.id, userId: user.id };
  });
  const token = opts.login === false ? '' : await t.login(email, STAFF_PASSWORD);
  return { ...ids, email, token, councilId: council.id, cityId: city.id };
}

export async function seedFacility(
  t: TestApp,
  cityCode: string,
  opts: { name?: string; type?: FacilityType; language?: Language; slaDays?: number; parentId?: number | null; contactEmails?: string[] } = {},
): Promise<Facility> {
  const { city } = await cityByCode(t, cityCode);
  const now = t.clock.now();
  return t.db.transaction(({ em }) =>
    em.save(
      Facility,
      em.create(Facility, {
        name: opts.name ?? `Facility ${unique()}`,
        cityId: city.id,
        type: opts.type ?? 'ost_site',
        language: opts.language ?? 'ru',
        slaDays: opts.slaDays ?? 10,
        parentId: opts.parentId ?? null,
        contactEmails: opts.contactEmails ?? [`site-${unique()}@facility.test`],
        createdAt: now,
        updatedAt: now,
      }),
    ),
  );
}

export async function seedFacilityAdmin(t: TestApp, facilityId: number): Promise<SeededStaff> {
  const email = `facility-${unique()}@test.kpac`;
  const passwordHash = await hashPassword(STAFF_PASSWORD);
  const user = await t.db.transaction(({ em }) =>
    em.save(
      User,
      em.create(User, { email, passwordHash, role: 'facility_admin', memberId: null, facilityId, active: true, tokenVersion: 0, createdAt: t.clock.now() }),
    ),
  );
  return { userId: user.id, email, token: await t.login(email, STAFF_PASSWORD) };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
