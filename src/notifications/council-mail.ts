import { Injectable } from '@nestjs/common';
import { Council } from '../councils/council.entity';
import { Database } from '../database/database.service';
import type { Composed } from './mail-sender.service';
import type { MailSend } from './mail-send.entity';
import { COUNCIL_LANGUAGE, MailTemplates, MailVars } from './mail-templates';
import { Recipients } from './recipients';

/** A notice to a council: to its members seated today, in the councils' language, with the council's name. */
@Injectable()
export class CouncilMail {
  constructor(
    private readonly db: Database,
    private readonly templates: MailTemplates,
    private readonly recipients: Recipients,
  ) {}

  async compose(send: MailSend, vars: (lang: typeof COUNCIL_LANGUAGE, council: Council) => Promise<MailVars>): Promise<Composed> {
    if (!send.councilId) return 'no-recipients';
    const council = await this.db.manager.findOneOrFail(Council, { where: { id: send.councilId } });
    const to = await this.recipients.councilEmails(council.id);
    if (to.length === 0) return 'no-recipients';
    return this.templates.mail(COUNCIL_LANGUAGE, send, to, { council: council.name, ...(await vars(COUNCIL_LANGUAGE, council)) });
  }
}
