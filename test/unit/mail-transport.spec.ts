import { classifyMailError, mailDomain, PermanentMailError, TransientMailError } from '../../src/notifications/mail-transport.service';
import { safeJobId } from '../../src/queue/jobs';
import en from '../../src/notifications/templates/en.json';
import ru from '../../src/notifications/templates/ru.json';
import tg from '../../src/notifications/templates/tg.json';
import { KEY_POPULATIONS } from '../../src/complaints/complaint.constants';

describe('mail errors and ids', () => {
  it('retries 4xx and connection errors, stops on 5xx', () => {
    expect(classifyMailError({ responseCode: 421, response: '421 try later' })).toBeInstanceOf(TransientMailError);
    expect(classifyMailError({ responseCode: 451 })).toBeInstanceOf(TransientMailError);
    expect(classifyMailError({ code: 'ECONNECTION', message: 'connect ECONNREFUSED' })).toBeInstanceOf(TransientMailError);
    expect(classifyMailError({ code: 'ETIMEDOUT' })).toBeInstanceOf(TransientMailError);
    const perm = classifyMailError({ responseCode: 550, response: '550 5.1.1 mailbox unavailable\r\nmore' });
    expect(perm).toBeInstanceOf(PermanentMailError);
    // Reply code and class only: a server's text can quote a council member's or facility's address.
    expect(perm.summary).toBe('550 rejected');
    expect(classifyMailError({ responseCode: 421, response: '421 4.7.0 <member@kpac.tj> greylisted' }).summary).toBe('421 tempfail');
    expect(classifyMailError({ code: 'ECONNECTION', message: 'connect ECONNREFUSED 10.0.0.1:25' }).summary).toBe('ECONNECTION connection');
    expect(classifyMailError({ code: 'weird code <x@y>' }).summary).toBe('ERROR connection');
    expect(classifyMailError({ code: 'EENVELOPE', message: 'No recipients defined' })).toBeInstanceOf(PermanentMailError);
  });

  it('builds Message-ID domains and BullMQ-safe job ids', () => {
    expect(mailDomain('KPAC tracker <no-reply@kpac.tj>')).toBe('kpac.tj');
    expect(mailDomain('no-reply@example.org')).toBe('example.org');
    expect(safeJobId('esc-12-initial')).toBe('esc-12-initial');
    expect(safeJobId('a:b')).toBe('a-b');
    expect(safeJobId('123')).toBe('j-123');
  });

  it('has the same template keys in tg, ru and en, and no key-population or diagnosis words', () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
    expect(Object.keys(tg).sort()).toEqual(Object.keys(en).sort());
    // 'other' is an ordinary word and the contact label "Other"; it names no population.
    const kps = KEY_POPULATIONS.filter((k) => k !== 'other').map((k) => k.replace(/_/g, ' '));
    const words = [...kps, 'hiv', 'aids', 'methadone', 'tuberculosis', 'drug', 'sex work', 'вич', 'спид', 'метадон', 'наркот', 'туберкул', 'секс'];
    for (const catalogue of [en, ru, tg]) {
      for (const [key, text] of Object.entries(catalogue)) {
        if (key.startsWith('category_')) continue;
        for (const w of words) expect(`${key}: ${text.toLowerCase()}`).not.toContain(w);
      }
    }
  });
});
