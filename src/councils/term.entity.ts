import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { instant } from '../database/columns';
import type { Constituency, TermEndReason } from './council.constants';

/** A seat held over [termStart, min(termEnd, endedOn)). Dates are 'YYYY-MM-DD'. */
@Entity('terms')
export class Term {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer', name: 'member_id' })
  memberId: number;

  @Column({ type: 'integer', name: 'council_id' })
  councilId: number;

  @Column({ type: 'varchar', length: 32 })
  constituency: Constituency;

  @Column({ type: 'varchar', length: 10, name: 'term_start' })
  termStart: string;

  /** termStart + council.termMonths, computed when the term is created. */
  @Column({ type: 'varchar', length: 10, name: 'term_end' })
  termEnd: string;

  /** First day off the seat when a term ends early. */
  @Column({ type: 'varchar', length: 10, name: 'ended_on', nullable: true })
  endedOn: string | null;

  @Column({ type: 'varchar', length: 16, name: 'end_reason', nullable: true })
  endReason: TermEndReason | null;

  @Column(instant({ name: 'created_at' }))
  createdAt: Date;
}
