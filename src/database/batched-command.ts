import type { Database } from './database.service';
import type { UnitOfWork } from './unit-of-work';

/**
 * A write many callers make at once, declared as two steps over a batch of calls in one unit of
 * work. The database layer owns batching, settling and the one-by-one fallback.
 */
export interface WriteCommand<I, O> {
  /** Reads what the items need; for each item in order, why it is refused, or null to accept it. */
  check(uow: UnitOfWork, items: I[]): Promise<(Error | null)[]>;
  /** Writes the accepted items (in order) and answers each one's result, in the same order. */
  apply(uow: UnitOfWork, items: I[]): Promise<O[]>;
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit. Calls submitted while an earlier batch is in its transaction (or queued behind
 * other writes) go into the next transaction together, so a burst of N writes costs one
 * transaction of a handful of multi-row statements instead of N transactions of the same handful.
 * That matters on SQLite, where writes are serialised and every statement is a thread-pool round
 * trip. A lone write is not delayed beyond one event-loop turn.
 *
 * If a batch's transaction fails, nothing of it was written; each of its items is then run again
 * in a transaction of its own, so one bad item cannot fail the others.
 */
export class BatchedCommand<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private draining = false;

  constructor(
    private readonly db: Database,
    private readonly spec: WriteCommand<I, O>,
    /** Keeps statements under SQLite's bound-parameter limit (32,766) and batches short. */
    private readonly maxBatch = 100,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.draining) return;
      this.draining = true;
      // One turn later, so the calls that arrived in the same turn share the first batch.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length) {
        let batch: Waiting<I, O>[] = [];
        let taken = false;
        try {
          const outcomes = await this.db.transaction((uow) => {
            // Taken when the transaction starts, not when it was queued: what arrived meanwhile
            // joins. Only once: a transaction run again (SQLite busy) keeps its batch.
            if (!taken) batch = this.waiting.splice(0, this.maxBatch);
            taken = true;
            return this.run(uow, batch.map((w) => w.item));
          });
          batch.forEach((w, i) => settle(w, outcomes[i]));
        } catch (err) {
          if (!taken) batch = this.waiting.splice(0, this.maxBatch);
          if (batch.length === 1) batch[0].reject(err);
          else for (const w of batch) await this.alone(w);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** Check, then apply the accepted items; a refusal stays with its own item. */
  private async run(uow: UnitOfWork, items: I[]): Promise<Outcome<O>[]> {
    const refusals = await this.spec.check(uow, items);
    const accepted = items.map((_, i) => i).filter((i) => !refusals[i]);
    const results = accepted.length ? await this.spec.apply(uow, accepted.map((i) => items[i])) : [];
    const outcomes: Outcome<O>[] = refusals.map((r) => ({ refused: r }) as Outcome<O>);
    accepted.forEach((i, n) => (outcomes[i] = { ok: results[n] }));
    return outcomes;
  }

  private async alone(w: Waiting<I, O>): Promise<void> {
    try {
      const [outcome] = await this.db.transaction((uow) => this.run(uow, [w.item]));
      settle(w, outcome);
    } catch (err) {
      w.reject(err);
    }
  }
}

type Outcome<O> = { ok: O } | { refused: Error | null };

function settle<I, O>(w: Waiting<I, O>, outcome: Outcome<O> | undefined): void {
  if (!outcome) w.reject(new Error('batched command: the batch returned no outcome for an item'));
  else if ('ok' in outcome) w.resolve(outcome.ok);
  else w.reject(outcome.refused);
}
