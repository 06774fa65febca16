import type { Actor } from '../auth/actor';
import { notFound } from '../common/domain-errors';

/**
 * A council member reads only their own council; anything else answers 404 so the existence of
 * other councils' records is not revealed. Admins read everything. Routes keep other roles out.
 */
export function assertCouncilInScope(actor: Actor, councilId: number, what = 'Council'): void {
  if (actor.kind === 'admin') return;
  if (actor.kind === 'kpac_member' && actor.councilId === councilId) return;
  throw notFound(what);
}
