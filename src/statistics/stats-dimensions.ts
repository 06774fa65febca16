import type { Outcome } from '../complaints/complaint.constants';
import type { ResolutionGroupBy } from './stats.constants';

/*
 * What each statistics grouping counts, written once for the live counts (statistics.repository.ts),
 * the monthly rollup (monthly-rollup.ts) and the exports. Complaints are aliased `c`, their key
 * populations `k`. Every column named here is in idx_complaints_stats / idx_complaints_city_stats
 * (migration 1764000003000), so SQLite answers from the index without touching the table.
 */

/** Complaints counted at all: every one but the rejected. */
export const COUNTED = "c.status <> 'rejected'";

/** The column a grouping reads. */
export const GROUP_COLUMN: Record<ResolutionGroupBy, string> = {
  city: 'c.city_id',
  facility: 'c.facility_id',
  category: 'c.category',
  keyPopulation: 'k.key_population',
  gender: 'c.gender',
  ageGroup: 'c.age_group',
  quarter: 'c.received_quarter',
};

/**
 * The join a grouping needs. keyPopulation reads the normalised table, so a complaint with several
 * key populations yields one row per population (and one null row when it has none).
 */
export const groupJoin = (groupBy: ResolutionGroupBy | null): string =>
  groupBy === 'keyPopulation' ? 'LEFT JOIN complaint_key_populations k ON k.complaint_id = c.id' : '';

/** The bucket of every complaint that has no outcome to count under. */
export const IN_PROGRESS = 'in_progress';
export type Bucket = Outcome | typeof IN_PROGRESS;

/**
 * A complaint counts under its outcome only when resolved; any other status (including a reopened
 * complaint that still carries an old outcome) is in progress.
 */
export const OUTCOME_BUCKET = `CASE WHEN c.status = 'resolved' AND c.outcome IS NOT NULL THEN c.outcome ELSE '${IN_PROGRESS}' END`;

/**
 * `OUTCOME_BUCKET = outcome` for one outcome (a `$n` placeholder), written so the planner can use
 * idx_complaints_status_received instead of evaluating the CASE on every row of the period.
 */
export const countedUnder = (outcome: string): string => `c.status = 'resolved' AND c.outcome = ${outcome}`;
