/** Features add figures to /health (queue and outbox counts) by providing these. */
export interface HealthContributor {
  name: string;
  report(): Promise<unknown>;
}

export const HEALTH_CONTRIBUTORS = Symbol('HEALTH_CONTRIBUTORS');
