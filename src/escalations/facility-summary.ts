import { DomainError } from '../common/domain-errors';
import type { Category } from '../complaints/complaint.constants';
import { containsContact } from '../complaints/contact-leak';
import type { ContactDetails } from '../complaints/contact-cipher';
import type { Language } from '../facilities/facility.constants';

/**
 * The facility-safe summary: a neutral, third-person text written for the facility. The member
 * is offered one of these per category, in the facility's language; the complainant's own words
 * never go to the facility (they can carry details that identify her).
 */
const TEMPLATES: Record<Language, Record<Category, string>> = {
  en: {
    opening_hours: 'A service user reports that the opening hours of {facility} prevent them from receiving care. The council asks the facility to review its hours.',
    waiting_time: 'A service user reports waiting too long to be seen at {facility}. The council asks the facility to look at how waiting times can be shortened.',
    staff_attitude:
      'A service user reports being treated disrespectfully by staff at {facility}. The council asks the facility to look into it and to remind staff of respectful, non-judgemental care.',
    denial_of_service: 'A service user reports being refused a service at {facility}. The council asks the facility to find out why and to make sure the service is provided.',
    confidentiality_breach:
      "A service user reports that confidential information about them was disclosed at {facility}. The council asks the facility to investigate and to tell the council how it protects patients' confidentiality.",
    medication_stockout:
      'A service user reports that medicines they need were not available at {facility}. The council asks the facility to check its supplies and to say when the medicines will be available.',
    quality_of_care: 'A service user reports concerns about the quality of care at {facility}. The council asks the facility to review the care it provides.',
    police_interference:
      'A service user reports that police action near {facility} kept them from receiving care. The council asks the facility to help make sure patients can reach the service safely.',
    informal_payment:
      'A service user reports being asked for an unofficial payment at {facility}. The council asks the facility to look into it and to make sure services are provided without unofficial charges.',
    violence_or_abuse: 'A service user reports violence or abuse connected with {facility}. The council asks the facility to investigate and to tell the council what steps it takes.',
    other: 'A service user has raised a concern about {facility}. The council asks the facility to review it and to respond.',
  },
  ru: {
    opening_hours: 'Получатель услуг сообщает, что из-за часов работы учреждения «{facility}» не может получать помощь. Совет просит учреждение пересмотреть часы работы.',
    waiting_time: 'Получатель услуг сообщает, что в учреждении «{facility}» приходится слишком долго ждать приёма. Совет просит учреждение рассмотреть, как сократить время ожидания.',
    staff_attitude:
      'Получатель услуг сообщает о неуважительном отношении сотрудников учреждения «{facility}». Совет просит учреждение разобраться и напомнить сотрудникам об уважительном, безоценочном отношении к пациентам.',
    denial_of_service: 'Получатель услуг сообщает, что в учреждении «{facility}» ему отказали в услуге. Совет просит учреждение выяснить причину и обеспечить предоставление услуги.',
    confidentiality_breach:
      'Получатель услуг сообщает, что в учреждении «{facility}» была раскрыта конфиденциальная информация о нём. Совет просит учреждение провести проверку и сообщить совету, как защищается конфиденциальность пациентов.',
    medication_stockout:
      'Получатель услуг сообщает, что в учреждении «{facility}» не было нужных ему лекарств. Совет просит учреждение проверить запасы и сообщить, когда лекарства будут в наличии.',
    quality_of_care: 'Получатель услуг выражает обеспокоенность качеством помощи в учреждении «{facility}». Совет просит учреждение проверить качество оказываемой помощи.',
    police_interference:
      'Получатель услуг сообщает, что действия сотрудников милиции рядом с учреждением «{facility}» помешали ему получить помощь. Совет просит учреждение содействовать тому, чтобы пациенты могли безопасно получать услуги.',
    informal_payment:
      'Получатель услуг сообщает, что в учреждении «{facility}» от него потребовали неофициальную оплату. Совет просит учреждение разобраться и обеспечить предоставление услуг без неофициальных платежей.',
    violence_or_abuse:
      'Получатель услуг сообщает о насилии или жестоком обращении, связанном с учреждением «{facility}». Совет просит учреждение провести проверку и сообщить совету о принятых мерах.',
    other: 'Получатель услуг обратился в совет по вопросу, касающемуся учреждения «{facility}». Совет просит учреждение рассмотреть обращение и ответить.',
  },
  tg: {
    opening_hours:
      'Як гирандаи хизматрасонӣ хабар медиҳад, ки соатҳои кории муассисаи «{facility}» ба ӯ имкон намедиҳанд, ки кӯмак гирад. Шӯро аз муассиса хоҳиш мекунад, ки соатҳои кориро аз нав баррасӣ кунад.',
    waiting_time:
      'Як гирандаи хизматрасонӣ хабар медиҳад, ки дар муассисаи «{facility}» барои қабул хеле дер интизор шудан лозим меояд. Шӯро аз муассиса хоҳиш мекунад, ки роҳҳои кам кардани вақти интизориро баррасӣ кунад.',
    staff_attitude:
      'Як гирандаи хизматрасонӣ аз муносибати беэҳтиромонаи кормандони муассисаи «{facility}» шикоят мекунад. Шӯро аз муассиса хоҳиш мекунад, ки масъаларо баррасӣ намуда, ба кормандон муносибати эҳтиромона ва бетарафона ба беморонро хотиррасон кунад.',
    denial_of_service:
      'Як гирандаи хизматрасонӣ хабар медиҳад, ки дар муассисаи «{facility}» ба ӯ хизматрасонӣ рад карда шуд. Шӯро аз муассиса хоҳиш мекунад, ки сабабашро муайян карда, хизматрасониро таъмин намояд.',
    confidentiality_breach:
      'Як гирандаи хизматрасонӣ хабар медиҳад, ки дар муассисаи «{facility}» маълумоти махфӣ дар бораи ӯ ифшо шудааст. Шӯро аз муассиса хоҳиш мекунад, ки санҷиш гузаронад ва ба шӯро хабар диҳад, ки махфияти беморон чӣ тавр ҳифз карда мешавад.',
    medication_stockout:
      'Як гирандаи хизматрасонӣ хабар медиҳад, ки дар муассисаи «{facility}» доруҳои заруриаш набуданд. Шӯро аз муассиса хоҳиш мекунад, ки захираи доруҳоро санҷида, хабар диҳад, ки онҳо кай дастрас мешаванд.',
    quality_of_care:
      'Як гирандаи хизматрасонӣ аз сифати ёрии тиббӣ дар муассисаи «{facility}» нигаронӣ баён мекунад. Шӯро аз муассиса хоҳиш мекунад, ки сифати ёрии расонидашавандаро санҷад.',
    police_interference:
      'Як гирандаи хизматрасонӣ хабар медиҳад, ки амалҳои кормандони милиса дар наздикии муассисаи «{facility}» ба гирифтани кӯмак монеъ шуданд. Шӯро аз муассиса хоҳиш мекунад, ки ба дастрасии бехатари беморон ба хизматрасонӣ мусоидат намояд.',
    informal_payment:
      'Як гирандаи хизматрасонӣ хабар медиҳад, ки дар муассисаи «{facility}» аз ӯ пардохти ғайрирасмӣ талаб карданд. Шӯро аз муассиса хоҳиш мекунад, ки масъаларо баррасӣ намуда, хизматрасониро бе пардохтҳои ғайрирасмӣ таъмин кунад.',
    violence_or_abuse:
      'Як гирандаи хизматрасонӣ дар бораи зӯроварӣ ё муносибати бераҳмона, ки ба муассисаи «{facility}» алоқаманд аст, хабар медиҳад. Шӯро аз муассиса хоҳиш мекунад, ки санҷиш гузаронида, дар бораи чораҳои андешидашуда ба шӯро хабар диҳад.',
    other:
      'Як гирандаи хизматрасонӣ ба шӯро бо масъалае, ки ба муассисаи «{facility}» дахл дорад, муроҷиат кардааст. Шӯро аз муассиса хоҳиш мекунад, ки муроҷиатро баррасӣ карда, ҷавоб диҳад.',
  },
};

/** The pre-filled summary for a complaint's category, addressed to one facility in its language. */
export function summaryTemplate(category: Category, facility: { name: string; language: string }): string {
  const lang = (facility.language in TEMPLATES ? facility.language : 'ru') as Language;
  return (TEMPLATES[lang][category] ?? TEMPLATES[lang].other).replace('{facility}', facility.name);
}

/** A summary repeating this many characters of the complainant's text verbatim is her words, not the council's. */
export const VERBATIM_LIMIT = 40;

/** Letters and digits only, lower-cased, single spaces: copying survives re-wrapping and punctuation edits. */
function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Refuses (422) a summary that repeats a long stretch of the complainant's own text or contains
 * her contact details; the message says why, and `field`/`reason` let a form place it.
 */
export function assertSummaryIsFacilitySafe(summary: string, complainantTexts: (string | null)[], contact: ContactDetails | null): void {
  const s = normalise(summary);
  for (const text of complainantTexts) {
    if (!text) continue;
    const t = normalise(text);
    for (let i = 0; i + VERBATIM_LIMIT <= t.length; i++) {
      if (s.includes(t.slice(i, i + VERBATIM_LIMIT))) {
        throw new DomainError(
          'UNPROCESSABLE',
          `summary repeats the complainant's own words (${VERBATIM_LIMIT} or more characters copied from the complaint); write it for the facility in your own neutral, third-person words`,
          { field: 'summary', reason: 'copies_complaint' },
        );
      }
    }
  }
  if (containsContact(summary, contact)) {
    throw new DomainError('UNPROCESSABLE', "summary contains the complainant's contact details; remove them (the facility receives contact details only with the complainant's consent)", {
      field: 'summary',
      reason: 'contains_contact',
    });
  }
}
