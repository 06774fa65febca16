import { BadRequestException, NotFoundException } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conflict, DomainError, invalid, notFound } from '../../src/common/domain-errors';
import { attempt, FormWords, pageStateOf, STAFF_FORM, STAFF_RECORD_FORM } from '../../src/web/web-errors';

/** What a page shows for an error: by code, field and reason, never by the message text. */
describe('pageStateOf', () => {
  const en = JSON.parse(readFileSync(join(__dirname, '..', '..', 'src', 'i18n', 'en', 'web.json'), 'utf8'));
  const defined = (key: string) => typeof key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], en) === 'string';

  describe('without a form (the error page)', () => {
    it('titles a refusal by its code and keeps its status', () => {
      expect(pageStateOf(notFound('Complaint'))).toEqual({ status: 404, errors: { form: 'error.notFound' }, errorPage: true });
      expect(pageStateOf(conflict('changed'))).toEqual({ status: 409, errors: { form: 'error.conflict' }, errorPage: true });
      expect(pageStateOf(new DomainError('SEATS_FULL', 'full'))).toMatchObject({ status: 409, errors: { form: 'error.conflict' } });
      expect(pageStateOf(new DomainError('UNPROCESSABLE', 'copied', { field: 'summary', reason: 'copies_complaint' }))).toMatchObject({ status: 422, errors: { form: 'error.server' } });
    });

    it('knows an expired form by its reason, whatever the message says', () => {
      expect(pageStateOf(new DomainError('FORBIDDEN', 'anything at all', { reason: 'csrf' })).errors).toEqual({ form: 'error.csrf' });
      expect(pageStateOf(new DomainError('FORBIDDEN', 'csrf')).errors).toEqual({ form: 'error.forbidden' });
    });

    it('sends a lost session to the login page', () => {
      expect(pageStateOf(new DomainError('UNAUTHORIZED', 'no session'))).toMatchObject({ redirect: '/login', errorPage: true });
    });

    it('titles framework errors by status and anything else as a server error', () => {
      expect(pageStateOf(new BadRequestException('x'))).toEqual({ status: 400, errors: { form: 'error.invalid' }, errorPage: true });
      expect(pageStateOf(new NotFoundException())).toMatchObject({ status: 404, errors: { form: 'error.notFound' } });
      expect(pageStateOf(new Error('SQLITE_BUSY: bound value 555-1234'))).toEqual({ status: 500, errors: { form: 'error.server' }, errorPage: true });
    });
  });

  describe('on a form', () => {
    it('places a refusal that names its field next to it, by its reason', () => {
      const err = invalid('facilityId does not name a facility in this city', { field: 'facilityId', reason: 'facility_not_in_city' });
      expect(pageStateOf(err, { codes: {} })).toEqual({ status: 400, errors: { facilityId: 'validation.facilityCity' } });
      const future = invalid('incidentDate must not be in the future', { field: 'incidentDate', reason: 'date_out_of_range' });
      expect(pageStateOf(future, { codes: {} }).errors).toEqual({ incidentDate: 'validation.date' });
      expect(pageStateOf(invalid('parentId is of type clinic', { field: 'parentId' }), { codes: {} }).errors).toEqual({ parentId: 'validation.generic' });
    });

    it('a rule about content by its own reason, with the rule’s status', () => {
      const err = new DomainError('UNPROCESSABLE', 'summary copies the complaint', { field: 'summary', reason: 'copies_complaint' });
      expect(pageStateOf(err, { codes: {} })).toEqual({ status: 422, errors: { summary: 'refusal.copies_complaint' } });
    });

    it('every field message it can give is a defined text', () => {
      const reasons = ['required', 'unknown', 'too_short', 'date_out_of_range', 'facility_not_in_city', 'unknown_city', 'no_such_reason'];
      for (const reason of reasons) expect([reason, defined(pageStateOf(invalid('x', { field: 'f', reason }), { codes: {} }).errors.f)]).toEqual([reason, true]);
    });

    it('a staff form shows a refusal that names its field translated next to it, never the service’s English', () => {
      const err = invalid('facilityId does not name a facility in this city', { field: 'facilityId', reason: 'facility_not_in_city' });
      expect(pageStateOf(err, STAFF_FORM)).toEqual({ status: 400, errors: { facilityId: 'validation.facilityCity', form: 'admin.fixMarked' } });
      const member = invalid('memberId is required for a kpac_member account', { field: 'memberId', reason: 'required' });
      expect(pageStateOf(member, STAFF_FORM)).toEqual({ status: 400, errors: { memberId: 'rule.memberRequired', form: 'admin.fixMarked' } });
      const name = invalid('name must be at least 2 characters', { field: 'name', reason: 'too_short', args: { min: 2 } });
      expect(pageStateOf(name, STAFF_FORM).errors.name).toBe('rule.nameMin?min=2');
    });

    it('a staff form words a form-level refusal by its reason with the values it names; English only as a fallback', () => {
      const full = new DomainError('SEATS_FULL', 'KPAC Bokhtar has 4 seats', { reason: 'seats_full', args: { seats: 4, full: '2026-03-01', free: '2026-05-01', months: 24 } });
      expect(pageStateOf(full, STAFF_FORM)).toEqual({ status: 409, errors: { form: 'rule.seatsFull?seats=4&full=2026-03-01&free=2026-05-01&months=24' } });
      expect(pageStateOf(new DomainError('SEATS_FULL', 'KPAC Bokhtar has 4 seats'), STAFF_FORM)).toEqual({
        status: 409,
        errors: { form: 'admin.refused' },
        refusal: 'KPAC Bokhtar has 4 seats',
      });
    });

    it('every rule message the table can give is a defined text', () => {
      const rules = readFileSync(join(__dirname, '..', '..', 'src', 'web', 'field-rules.ts'), 'utf8');
      const keys = [...rules.matchAll(/'((?:rule|validation)\.[A-Za-z]+)'/g)].map((m) => m[1]);
      expect(keys.length).toBeGreaterThan(20);
      for (const key of keys) expect([key, defined(key)]).toEqual([key, true]);
    });

    it('a form about one record leaves "it is gone" to the error page', () => {
      expect(pageStateOf(notFound('User'), STAFF_FORM)).toMatchObject({ status: 404, errors: { form: 'admin.refused' } });
      expect(pageStateOf(notFound('User'), STAFF_RECORD_FORM)).toEqual({ status: 404, errors: { form: 'error.notFound' }, errorPage: true });
    });

    it('uses a page’s own words, a reason’s before its code’s, and only for the codes it lists', () => {
      const login: FormWords = { codes: { UNAUTHORIZED: 'login.failed', TOO_MANY_REQUESTS: 'login.tooMany' }, reasons: { stale: 'twoFactor.stale' } };
      expect(pageStateOf(new DomainError('UNAUTHORIZED', 'wrong'), login).errors).toEqual({ form: 'login.failed' });
      expect(pageStateOf(new DomainError('UNAUTHORIZED', 'expired', { reason: 'stale' }), login).errors).toEqual({ form: 'twoFactor.stale' });
      expect(pageStateOf(new DomainError('TOO_MANY_REQUESTS', 'locked', { reason: 'account' }), login)).toMatchObject({ status: 429, errors: { form: 'login.tooMany' } });
      expect(pageStateOf(new DomainError('CONFLICT', 'enrolled', { reason: 'stale' }), login)).toMatchObject({ errorPage: true, errors: { form: 'error.conflict' } });
    });

    it('puts a field-less refusal next to the field the page names', () => {
      const reveal: FormWords = { field: 'revealReason', codes: { FORBIDDEN: 'case.revealNotAllowed' } };
      expect(pageStateOf(new DomainError('FORBIDDEN', 'not allowed'), reveal)).toMatchObject({ status: 403, errors: { revealReason: 'case.revealNotAllowed' } });
    });

    it('leaves server errors and non-domain errors to the error page', () => {
      expect(pageStateOf(new Error('disk full'), STAFF_FORM)).toMatchObject({ status: 500, errorPage: true });
      expect(pageStateOf(new BadRequestException(), STAFF_FORM)).toMatchObject({ status: 400, errorPage: true });
    });
  });

  describe('attempt', () => {
    it('answers what the action returned, or the refusal the form shows', async () => {
      await expect(attempt(async () => 7, STAFF_FORM)).resolves.toEqual({ done: 7 });
      await expect(attempt(async () => Promise.reject(conflict('taken')), STAFF_FORM)).resolves.toEqual({
        refused: { status: 409, errors: { form: 'admin.refused' }, refusal: 'taken' },
      });
    });

    it('rethrows what the form does not show, for the error page', async () => {
      const gone = notFound('Facility');
      await expect(attempt(async () => Promise.reject(gone), STAFF_RECORD_FORM)).rejects.toBe(gone);
      const crash = new Error('driver');
      await expect(attempt(async () => Promise.reject(crash), STAFF_FORM)).rejects.toBe(crash);
    });
  });
});
