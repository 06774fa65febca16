export const RESOLUTION_GROUP_BY = ['city', 'facility', 'category', 'keyPopulation', 'gender', 'ageGroup', 'quarter'] as const;
export type ResolutionGroupBy = (typeof RESOLUTION_GROUP_BY)[number];

/** Longest period a statistics request may span (councils walk it day by day). */
export const MAX_PERIOD_DAYS = 366 * 25;

export const MULTI_VALUED_NOTE =
  'A complaint with several key populations is counted in each of its groups (as REAct does), so group counts can add up to more than the overall count.';
