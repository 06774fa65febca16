import { EntityManager } from 'typeorm';
import { Database } from './database.service';

/**
 * What a batch returns for each of its items, in order: the item's result, or the error that
 * refused it (a refusal written nowhere — the rest of the batch still commits).
 */
export type BatchOutcome<O> = { ok: O } | { refused: Error };

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit. Writes submitted while an earlier batch is in its transaction (or queued behind
 * other writes) go into the next transaction together, so a burst of N writes costs one
 * transaction of a handful of multi-row statements instead of N transactions of the same
 * handful. That matters on SQLite, where writes are serialised and every statement is a
 * thread-pool round trip. A lone write is not delayed beyond one event-loop turn.
 *
 * If a batch's transaction fails, nothing of it was written; each of its items is then retried in
 * a transaction of its own, so one bad item cannot fail the others.
 */
export class GroupCommit<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private draining = false;

  constructor(
    private readonly db: Database,
    private readonly work: (em: EntityManager, items: I[]) => Promise<BatchOutcome<O>[]>,
    /** Keeps statements under SQLite's bound-parameter limit (32,766) and batches short. */
    private readonly maxBatch = 100,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.draining) return;
      this.draining = true;
      // One turn later, so the writes that arrived in the same turn share the first batch.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length) {
        let batch: Waiting<I, O>[] = [];
        try {
          let taken = false;
          const outcomes = await this.db.transaction((em) => {
            // Taken when the transaction starts, not when it was queued: what arrived meanwhile
            // joins. Only once: a transaction run again (SQLite busy) keeps its batch.
            if (!taken) batch = this.waiting.splice(0, this.maxBatch);
            taken = true;
            return this.work(em, batch.map((w) => w.item));
          });
          batch.forEach((w, i) => settle(w, outcomes[i]));
        } catch (err) {
          if (batch.length === 0) batch = this.waiting.splice(0, this.maxBatch);
          if (batch.length === 1) batch[0].reject(err);
          else for (const w of batch) await this.alone(w);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async alone(w: Waiting<I, O>): Promise<void> {
    try {
      const [outcome] = await this.db.transaction((em) => this.work(em, [w.item]));
      settle(w, outcome);
    } catch (err) {
      w.reject(err);
    }
  }
}

function settle<I, O>(w: Waiting<I, O>, outcome: BatchOutcome<O> | undefined): void {
  if (!outcome) w.reject(new Error('group commit: the batch returned no outcome for an item'));
  else if ('ok' in outcome) w.resolve(outcome.ok);
  else w.reject(outcome.refused);
}
