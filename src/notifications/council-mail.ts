import { Injectable } from '@nestjs/common';
import { City } from '../councils/city.entity';
import { Council } from '../councils/council.entity';
import { Database } from '../database/database.service';
import { LANGUAGES } from '../facilities/facility.constants';
import type { Language } from '../facilities/facility.constants';
import type { Composed } from './mail-sender.service';
import type { MailSend } from './mail-send.entity';
import type { OutgoingMail } from './mail-transport.service';
import { cityLanguage, MailTemplates, MailVars } from './mail-templates';
import { Recipients } from './recipients';

/**
 * A notice to a council: to its members seated today, each in the language their account chose
 * (or their council city's usual one), with the council's name. One message per language.
 */
@Injectable()
export class CouncilMail {
  constructor(
    private readonly db: Database,
    private readonly templates: MailTemplates,
    private readonly recipients: Recipients,
  ) {}

  async compose(send: MailSend, vars: (lang: Language, council: Council) => Promise<MailVars>): Promise<Composed> {
    if (!send.councilId) return 'no-recipients';
    const council = await this.db.manager.findOneOrFail(Council, { where: { id: send.councilId } });
    const city = await this.db.manager.findOne(City, { where: { id: council.cityId } });
    const fallback = cityLanguage(city?.code);
    const byLang = new Map<Language, string[]>();
    for (const r of await this.recipients.councilRecipients(council.id)) {
      const lang = (LANGUAGES as readonly string[]).includes(r.language ?? '') ? (r.language as Language) : fallback;
      byLang.set(lang, [...(byLang.get(lang) ?? []), r.email]);
    }
    if (byLang.size === 0) return 'no-recipients';
    const mails: OutgoingMail[] = [];
    // The council's own language first, so its message keeps the step's Message-ID.
    const langs = [...byLang.keys()].sort((a, b) => Number(b === fallback) - Number(a === fallback) || a.localeCompare(b));
    for (const [i, lang] of langs.entries()) {
      const messageId = i === 0 ? send.messageId : send.messageId.replace('@', `-${lang}@`);
      const cityName = city ? this.templates.cityName(lang, city) : '';
      // The name the reference data gives every council ("KPAC Bokhtar") reads as the council's name in the reader's words.
      const name = city && council.name === `KPAC ${city.name}` ? this.templates.text(lang, 'council_name', { city: cityName }) : council.name;
      mails.push(this.templates.mail(lang, { step: send.step, messageId }, byLang.get(lang)!, { council: name, city: cityName, ...(await vars(lang, council)) }));
    }
    return mails.length === 1 ? mails[0] : mails;
  }
}
