export const CONSTITUENCIES = ['plhiv', 'sex_workers', 'people_who_use_drugs'] as const;
export type Constituency = (typeof CONSTITUENCIES)[number];

export const TERM_END_REASONS = ['resigned', 'removed', 'deceased'] as const;
export type TermEndReason = (typeof TERM_END_REASONS)[number];

/** Terms ending within this many days are reported as ending soon. */
export const ENDING_SOON_DAYS = 60;
