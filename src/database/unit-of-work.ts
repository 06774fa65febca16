import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { bulkInsert } from './sql';

/** One item or several: every write helper takes either. */
export type Many<T> = T | readonly T[];
export const many = <T>(x: Many<T>): T[] => (Array.isArray(x) ? [...(x as readonly T[])] : [x as T]);

/**
 * Tables the unit of work appends to, in the order they are written at flush: parents before the
 * rows that refer to them (foreign keys are on).
 */
const FLUSH_ORDER = ['complaints', 'complaint_key_populations', 'escalations', 'complaint_events', 'mail_sends', 'outbox', 'audit_events'];

/**
 * One write transaction and the rows it appends. Reads and updates go straight to `em`; the rows
 * every write adds (audit events, timeline entries, outbox jobs, mail sends, key populations, new
 * complaints and escalations) are buffered and written just before commit as one multi-row
 * insert per table, however many commands share the transaction.
 *
 * Rows that others refer to get their ids up front (`reserveIds`), so a ciphertext can be bound
 * to its row and an outbox job can name its mail without reading anything back.
 */
export class UnitOfWork {
  private readonly buffers = new Map<string, { target: EntityTarget<ObjectLiteral>; rows: ObjectLiteral[] }>();
  private readonly memos = new Map<string, Promise<unknown>>();

  constructor(
    readonly em: EntityManager,
    /** The instant the whole unit is written at (one clock reading for every row). */
    readonly now: Date,
  ) {}

  get isSqlite(): boolean {
    return this.em.connection.options.type === 'sqlite';
  }

  /**
   * A read shared by the steps of this unit (a command's check and apply): loaded once, on first
   * use. Only for reads whose answer the unit's own writes do not change.
   */
  memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    let value = this.memos.get(key) as Promise<T> | undefined;
    if (!value) this.memos.set(key, (value = load()));
    return value;
  }

  /** Rows appended so far to one table and not yet written (a step may need to see an earlier one's). */
  pending<T extends ObjectLiteral>(target: EntityTarget<T>): readonly Partial<T>[] {
    return (this.buffers.get(this.em.connection.getMetadata(target).tableName)?.rows ?? []) as Partial<T>[];
  }

  /** Appends rows to write at flush; ids, when given, must come from `reserveIds`. */
  append<T extends ObjectLiteral>(target: EntityTarget<T>, rows: Many<Partial<T>>): void {
    const list = many(rows);
    if (!list.length) return;
    const table = this.em.connection.getMetadata(target).tableName;
    let buffer = this.buffers.get(table);
    if (!buffer) this.buffers.set(table, (buffer = { target: target as EntityTarget<ObjectLiteral>, rows: [] }));
    buffer.rows.push(...(list as ObjectLiteral[]));
  }

  /**
   * `n` new ids of a table, taken from its sequence now, in ascending order. SQLite: the write lock
   * is held for the whole transaction, so moving sqlite_sequence on is safe across processes too.
   */
  async reserveIds(target: EntityTarget<ObjectLiteral>, n: number): Promise<number[]> {
    if (n <= 0) return [];
    const table = this.em.connection.getMetadata(target).tableName;
    let first: number;
    if (this.isSqlite) {
      await this.em.query(`INSERT INTO sqlite_sequence (name, seq) SELECT ?, 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?)`, [table, table]);
      // Never below the table's own largest id (rows written before the table had a sequence row).
      await this.em.query(`UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT COALESCE(MAX(id), 0) FROM "${table}")) + ? WHERE name = ?`, [n, table]);
      const [row] = await this.em.query(`SELECT seq FROM sqlite_sequence WHERE name = ?`, [table]);
      first = Number(row.seq) - n + 1;
      return Array.from({ length: n }, (_, i) => first + i);
    }
    const rows: { id: string }[] = await this.em.query(`SELECT nextval(pg_get_serial_sequence($1, 'id')) AS id FROM generate_series(1, $2)`, [`"${table}"`, n]);
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }

  /** Writes every buffer, parents first. The database layer calls this just before commit. */
  async flush(): Promise<void> {
    const tables = [...this.buffers.keys()].sort((a, b) => rank(a) - rank(b));
    for (const table of tables) {
      const { target, rows } = this.buffers.get(table)!;
      this.buffers.delete(table);
      // Bounded statements: SQLite allows 32,766 parameters; a row here has at most ~30 columns.
      for (let i = 0; i < rows.length; i += 500) await bulkInsert(this.em, target, rows.slice(i, i + 500));
    }
  }
}

function rank(table: string): number {
  const i = FLUSH_ORDER.indexOf(table);
  return i === -1 ? FLUSH_ORDER.length : i;
}
