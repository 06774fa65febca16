import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Clock } from '../common/clock';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { QueueService } from '../queue/queue.service';
import { backupAgeSeconds } from './backup-age';
import { MailSendCount, MetricsRepository } from './metrics.repository';

interface Figures {
  outbox: { unrelayed: number; oldestCreatedAt: number | null } | null;
  mail: MailSendCount[] | null;
  escalations: Record<string, number> | null;
  jobs: Record<string, Record<string, number>> | null;
}

/** Label for requests no route matched: their raw URL never becomes a label. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The Prometheus registry of one application. Request figures are counted in this process;
 * backlog, mail, SLA and queue figures are read when scraped (from the database and Redis), so
 * every instance reports the same totals whichever process did the work.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly logger = new Logger(MetricsService.name);
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly latency: Histogram<'method' | 'route'>;
  /** The database and Redis figures of the scrape in progress. */
  private scrape: Promise<Figures> | null = null;

  constructor(
    private readonly repository: MetricsRepository,
    private readonly queues: QueueService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({ name: 'kpac_http_requests_total', help: 'HTTP requests by method, route pattern and status', labelNames: ['method', 'route', 'status'], registers });
    this.latency = new Histogram({
      name: 'kpac_http_request_duration_seconds',
      help: 'HTTP request latency by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    // Scrape-time gauges: each waits for the one read of this scrape (render() starts it).
    const gauge = <L extends string>(name: string, help: string, labelNames: L[], fill: (g: Gauge<L>, f: Figures) => void) => {
      const g: Gauge<L> = new Gauge<L>({
        name,
        help,
        labelNames,
        registers,
        collect: async () => {
          g.reset();
          fill(g, await (this.scrape ?? this.figures()));
        },
      });
    };
    gauge('kpac_outbox_unrelayed', 'Jobs written to the outbox and not yet handed to Redis', [], (g, f) => g.set(f.outbox?.unrelayed ?? NaN));
    gauge('kpac_outbox_oldest_age_seconds', 'Age of the oldest job still in the outbox (0 when empty)', [], (g, f) =>
      g.set(!f.outbox ? NaN : f.outbox.oldestCreatedAt === null ? 0 : Math.max(0, (this.clock.now().getTime() - f.outbox.oldestCreatedAt) / 1000)),
    );
    gauge(
      'kpac_mail_sends',
      'Mails by audience, step, state (sent, failed, pending, sending, cancelled) and class of the last SMTP failure',
      ['audience', 'step', 'state', 'error_class'],
      (g, f) => {
        for (const m of f.mail ?? []) g.set({ audience: m.audience, step: m.step, state: m.state, error_class: m.errorClass }, m.count);
      },
    );
    gauge('kpac_escalations', 'Escalations by response state', ['response_state'], (g, f) => {
      for (const [state, n] of Object.entries(f.escalations ?? {})) g.set({ response_state: state }, n);
    });
    gauge('kpac_sla_breaches', 'Escalations whose SLA passed without an answer (response state overdue)', [], (g, f) => g.set(f.escalations ? (f.escalations.overdue ?? 0) : NaN));
    gauge('kpac_queue_jobs', 'BullMQ jobs by queue and state (absent while Redis is down)', ['queue', 'state'], (g, f) => {
      for (const [queue, counts] of Object.entries(f.jobs ?? {})) for (const [state, n] of Object.entries(counts)) g.set({ queue, state }, n);
    });
    gauge('kpac_backup_age_seconds', 'Seconds since the newest file in the backup directory was written; +Inf when there is none', [], (g) =>
      g.set(backupAgeSeconds(this.config.backup.dir, Date.now())),
    );
  }

  /** Counts every answered request under its route pattern (never the URL: it may hold a reference or a token). */
  instrument(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions?.url ?? UNMATCHED_ROUTE;
      this.requests.inc({ method: req.method, route, status: String(reply.statusCode) });
      this.latency.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    });
  }

  contentType(): string {
    return this.registry.contentType;
  }

  async render(): Promise<string> {
    const scrape = this.figures();
    this.scrape = scrape;
    try {
      return await this.registry.metrics();
    } finally {
      if (this.scrape === scrape) this.scrape = null;
    }
  }

  /** Each figure on its own: a database or Redis hiccup leaves that series NaN/absent, not the scrape a 500. */
  private async figures(): Promise<Figures> {
    const safe = async <T>(what: string, fn: () => Promise<T>): Promise<T | null> => {
      try {
        return await fn();
      } catch (err) {
        this.logger.warn(`metrics: ${what} unavailable (${(err as Error).name})`);
        return null;
      }
    };
    return {
      outbox: await safe('outbox backlog', () => this.repository.outboxBacklog()),
      mail: await safe('mail sends', () => this.repository.mailSends()),
      escalations: await safe('escalations', () => this.repository.escalationsByResponse()),
      jobs: this.queues.ready ? await safe('queue counts', () => this.queues.counts()) : null,
    };
  }
}
