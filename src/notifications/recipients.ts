import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { dateInZone } from '../common/dates';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Term } from '../councils/term.entity';
import { Database } from '../database/database.service';

/**
 * The one definition of "a term active today": started, not past its end, not ended early. Terms
 * cover [termStart, termEnd) and `endedOn` is the first day off the seat.
 */
export function activeTermsQuery(db: Database, today: string, alias = 't') {
  return db.manager
    .createQueryBuilder(Term, alias)
    .where(`${alias}.term_start <= :today AND ${alias}.term_end > :today AND (${alias}.ended_on IS NULL OR ${alias}.ended_on > :today)`, { today });
}

/** Who receives council notices: the members seated today who have an active staff account. */
@Injectable()
export class Recipients {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  today(): string {
    return dateInZone(this.clock.now(), this.config.timeZone);
  }

  /** Terms active today, optionally of one council or one member. */
  activeTerms(filter: { councilId?: number; memberId?: number } = {}): Promise<Term[]> {
    const qb = activeTermsQuery(this.db, this.today());
    if (filter.councilId !== undefined) qb.andWhere('t.council_id = :c', { c: filter.councilId });
    if (filter.memberId !== undefined) qb.andWhere('t.member_id = :m', { m: filter.memberId });
    return qb.orderBy('t.id', 'ASC').getMany();
  }

  /** E-mails of the council's members whose term is active today, sorted. */
  async councilEmails(councilId: number): Promise<string[]> {
    return (await this.councilRecipients(councilId)).map((r) => r.email);
  }

  /** The same members with the language each account chose (null: none chosen), sorted by e-mail. */
  async councilRecipients(councilId: number): Promise<{ email: string; language: string | null }[]> {
    const rows: { email: string; language: string | null }[] = await activeTermsQuery(this.db, this.today())
      .select('u.email', 'email')
      .addSelect('u.language', 'language')
      .distinct(true)
      .innerJoin('users', 'u', 'u.member_id = t.member_id')
      .andWhere("u.role = 'kpac_member' AND u.active = :active AND t.council_id = :c", { active: true, c: councilId })
      .getRawMany();
    return rows.map((r) => ({ email: r.email, language: r.language ?? null })).sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
  }
}
