import { Injectable } from '@nestjs/common';
import { sha256Hex } from '../common/crypto';
import { addDays, daysBetween } from '../common/dates';
import { longDate } from '../common/long-date';
import { Database } from '../database/database.service';
import { CouncilMail } from '../notifications/council-mail';
import { MailSend } from '../notifications/mail-send.entity';
import { Composed, MailSubjectHandler } from '../notifications/mail-sender.service';
import { MailVars } from '../notifications/mail-templates';
import { CouncilSeatStep, NewSend } from '../notifications/notification-steps';
import { NotificationsService } from '../notifications/notifications.service';
import { Recipients } from '../notifications/recipients';
import { OutboxRelay } from '../queue/outbox-relay.service';
import { Council } from './council.entity';
import { Member } from './member.entity';
import { Term } from './term.entity';

/**
 * The periodic job `councils.reminders`: a notice to the council for each term ending within 60
 * and within 30 days, and one for each vacancy situation. Each notice is scheduled once (its
 * subject and step are unique), however often the job runs.
 */
@Injectable()
export class CouncilReminders {
  constructor(
    private readonly db: Database,
    private readonly recipients: Recipients,
    private readonly notifications: NotificationsService,
    private readonly relay: OutboxRelay,
  ) {}

  async run(): Promise<{ councilNotices: number }> {
    const today = this.recipients.today();
    const notices: Omit<NewSend, 'dueAt'>[] = [];
    for (const term of await this.recipients.activeTerms()) {
      if (term.termEnd > addDays(today, 60)) continue;
      const step: CouncilSeatStep = daysBetween(today, term.termEnd) <= 30 ? 'ends30' : 'ends60';
      notices.push({ subjectKey: `term-${term.id}`, step, audience: 'council', councilId: term.councilId, termId: term.id });
    }
    for (const council of await this.db.manager.find(Council)) {
      const active = await this.recipients.activeTerms({ councilId: council.id });
      if (active.length >= council.seats) continue;
      // Nobody to tell yet (a council without members): the first member's arrival changes the key.
      if ((await this.recipients.councilEmails(council.id)).length === 0) continue;
      // Once per vacancy situation: the key changes when the set of seated terms changes.
      const fingerprint = sha256Hex(active.map((a) => String(a.id)).join(',')).slice(0, 12);
      notices.push({ subjectKey: `vac-${council.id}-${fingerprint}`, step: 'vacancy', audience: 'council', councilId: council.id });
    }
    let councilNotices = 0;
    for (const notice of notices) {
      try {
        const [scheduled] = await this.db.transaction((uow) => this.notifications.schedule(uow, { ...notice, dueAt: uow.now }));
        if (scheduled) councilNotices++;
      } catch {
        // Another instance scheduled the same (key, step) first: the unique index keeps it once.
      }
    }
    if (councilNotices) this.relay.nudge();
    return { councilNotices };
  }
}

/** What the seat reminders say: the member and the date their term ends, or how many seats are vacant. */
@Injectable()
export class SeatNoticeMail implements MailSubjectHandler {
  constructor(
    private readonly db: Database,
    private readonly councilMail: CouncilMail,
    private readonly recipients: Recipients,
  ) {}

  compose(send: MailSend): Promise<Composed> {
    return this.councilMail.compose(send, async (lang, council): Promise<MailVars> => {
      if (send.step === 'vacancy') {
        const active = (await this.recipients.activeTerms({ councilId: council.id })).length;
        return { active, seats: council.seats, vacant: Math.max(0, council.seats - active) };
      }
      const term = await this.db.manager.findOneOrFail(Term, { where: { id: send.termId! } });
      const member = await this.db.manager.findOneOrFail(Member, { where: { id: term.memberId } });
      return { member: member.name, termEnd: longDate(term.termEnd, lang), days: Math.max(0, daysBetween(this.recipients.today(), term.termEnd)) };
    });
  }
}
