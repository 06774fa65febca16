import { ACTIONS, ActorKind, allowedActions, checkTransition, ComplaintAction } from '../../src/complaints/complaint-transitions';
import { ComplaintStatus, STATUSES } from '../../src/complaints/complaint.constants';

const KINDS: ActorKind[] = ['admin', 'kpac_member', 'facility_admin', 'system', 'facility_link'];

/**
 * DESIGN §3 written out independently of the implementation: every allowed (from, action, who)
 * and where it leads. Anything not listed must be refused.
 */
const COUNCIL: ActorKind[] = ['admin', 'kpac_member'];
const EXPECTED: { action: ComplaintAction; from: ComplaintStatus[]; to: ComplaintStatus; who: ActorKind[] }[] = [
  { action: 'accept', from: ['received'], to: 'in_review', who: COUNCIL },
  { action: 'reject', from: ['received'], to: 'rejected', who: COUNCIL },
  { action: 'escalate', from: ['in_review', 'escalated', 'responded'], to: 'escalated', who: [...COUNCIL, 'system'] },
  { action: 'respond', from: ['escalated'], to: 'responded', who: ['facility_admin', 'facility_link', 'admin'] },
  { action: 'resolve', from: ['in_review', 'escalated', 'responded'], to: 'resolved', who: COUNCIL },
  { action: 'reopen', from: ['escalated', 'responded', 'resolved'], to: 'in_review', who: COUNCIL },
];

const cases: [ComplaintStatus, ComplaintAction, ActorKind][] = [];
for (const s of STATUSES) for (const a of ACTIONS) for (const k of KINDS) cases.push([s, a, k]);

describe('complaint transition table (every state × action × role)', () => {
  it('covers 6 states × 6 actions × 5 actor kinds', () => {
    expect(cases).toHaveLength(180);
  });

  it.each(cases)('%s --%s--> by %s', (status, action, kind) => {
    const rule = EXPECTED.find((r) => r.action === action)!;
    const result = checkTransition(status, action, kind);
    if (!rule.who.includes(kind)) {
      expect(result).toEqual({ ok: false, reason: 'forbidden', message: expect.stringContaining(action) });
    } else if (!rule.from.includes(status)) {
      // The 409 message names the current state.
      expect(result).toEqual({ ok: false, reason: 'invalid_state', message: expect.stringContaining(`is ${status}`) });
    } else {
      expect(result).toEqual({ ok: true, to: rule.to });
    }
  });

  it('terminal state rejected allows nothing to anyone', () => {
    for (const k of KINDS) expect(allowedActions('rejected', k)).toEqual([]);
  });

  it.each(STATUSES.flatMap((s) => KINDS.map((k) => [s, k] as const)))('allowedActions(%s, %s) agrees with checkTransition', (status, kind) => {
    const expected = EXPECTED.filter((r) => r.who.includes(kind) && r.from.includes(status)).map((r) => r.action);
    expect(allowedActions(status, kind).sort()).toEqual([...expected].sort());
  });
});
