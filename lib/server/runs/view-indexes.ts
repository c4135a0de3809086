import "server-only";
import { LRUCache } from "lru-cache";
import { UserError } from "@/lib/action-result";
import type { ResultFilter } from "@/lib/results/filters";
import type { SortSpec } from "@/lib/results/types";
import { sqlString } from "@/lib/sql/quote";
import { setLedgerBytes, sortIndexBytes } from "./ledger";
import type { ResultStore } from "./result-store";
import { resultTable, sortIndexSql, sortIndexTable } from "./store-sql";
import { castCheckSql, filterConditionSql, rangeBounds, viewIndexSql, viewIndexTable } from "./view-sql";

/** Filtered views a run keeps at most; the one used longest ago goes first. */
export const MAX_VIEWS_PER_RUN = 16;

/** A view of a run's result, ready to page: its index table and its rows. */
export interface View {
  index: string;
  rows: number;
}

/**
 * Sort and filter indexes of stored results, built or being built, by table
 * name: each is the run's rowids in view order, built once, so every page of
 * it is a rowid range. Concurrent requests wait for the same build.
 */
export class ViewIndexes {
  private readonly building = new Map<string, Promise<void>>();
  /** Indexes whose build has finished. */
  private readonly done = new Set<string>();
  /** Each run's filtered views, in order of last use (oldest first). */
  private readonly views = new Map<string, Map<string, number>>();
  /**
   * Filters already checked against a run's columns, by the name of their
   * unsorted view: a stored result never changes, so neither does the check,
   * and a page of a view asks no more of DuckDB than the page itself.
   */
  private readonly plans = new LRUCache<string, { condition: string; types: string[] }>({ max: 1_000 });
  /** The rows of each built view (an index never changes once built). */
  private readonly counted = new Map<string, number>();

  constructor(private readonly store: Pick<ResultStore, "read" | "exec" | "connect" | "budget" | "columnTypes">) {}

  /**
   * The run's rows sorted once, on the first sorted page: later pages of that
   * sort are rowid ranges (a full sort per page took seconds at 10M rows).
   */
  async of(runId: string, sort: SortSpec): Promise<string> {
    const index = sortIndexTable(runId, sort);
    await this.built(runId, index, () => sortIndexSql(resultTable(runId), index, sort));
    return index;
  }

  /**
   * The filter's condition over columns of `types`, its bounds not yet checked: a first page tries
   * it at once, and only if DuckDB refuses it does `plan` say which bound is
   * wrong (a bound that is not a value of its type fails the query).
   */
  condition(runId: string, filter: ResultFilter, types: readonly string[]): string {
    const known = this.plans.get(viewIndexTable(runId, filter, null));
    return known ? known.condition : filterConditionSql(filter, types);
  }

  /**
   * What a filtered view is made of: its condition over the stored columns
   * and its index table. Throws UserError for a filter that cannot apply (a
   * range bound that is not a value of its column's type, among others).
   */
  async plan(runId: string, filter: ResultFilter): Promise<{ condition: string; types: string[] }> {
    const key = viewIndexTable(runId, filter, null);
    const known = this.plans.get(key);
    if (known) return known;
    const types = await this.store.columnTypes(runId);
    const condition = filterConditionSql(filter, types);
    const bounds = rangeBounds(filter, types);
    if (bounds.length > 0) {
      const [fits] = await this.store.read(castCheckSql(bounds));
      const wrong = bounds.find((_, i) => !fits[i]);
      if (wrong) throw new UserError(`“${wrong.value}” is not a value of type ${wrong.type}.`);
    }
    this.plans.set(key, { condition, types });
    return { condition, types };
  }

  /** The filtered (and maybe sorted) view, built if need be, with its row count. */
  async view(runId: string, filter: ResultFilter, sort: SortSpec | null): Promise<View> {
    const index = viewIndexTable(runId, filter, sort);
    const known = this.done.has(index) ? this.counted.get(index) : undefined;
    if (known !== undefined) {
      this.used(runId, index);
      return { index, rows: known };
    }
    const { condition, types } = await this.plan(runId, filter);
    await this.built(runId, index, () => viewIndexSql(resultTable(runId), index, condition, sort, types.length));
    this.used(runId, index);
    const [[rows]] = await this.store.read(`SELECT count(*) FROM ${index}`);
    if (this.done.has(index)) this.counted.set(index, Number(rows));
    return { index, rows: Number(rows) };
  }

  /** The view's index if it is built already (no waiting): its pages can be read from it. */
  ready(runId: string, filter: ResultFilter, sort: SortSpec | null): boolean {
    return this.done.has(viewIndexTable(runId, filter, sort));
  }

  private built(runId: string, index: string, sql: () => string): Promise<void> {
    let building = this.building.get(index);
    if (!building) {
      building = this.build(runId, index, sql());
      this.building.set(index, building);
      building.then(
        () => this.done.add(index),
        () => this.building.delete(index),
      );
    }
    return building;
  }

  /** An index is charged to the result it orders (and so to its owner), with the result pinned meanwhile. */
  private async build(runId: string, index: string, build: string): Promise<void> {
    const held = this.store.budget.holding(runId);
    const [[exists]] = await this.store.read(
      `SELECT count(*) > 0 FROM duckdb_tables() WHERE database_name = current_database() AND table_name = ${sqlString(index)}`,
    );
    if (!held || exists) return this.store.exec(build);
    const bytes = sortIndexBytes(held.rows);
    this.store.budget.pin(runId);
    try {
      if (!(await this.store.budget.charge(runId, bytes))) {
        throw new UserError(
          "There is no room left in the result store to sort or filter this result. Do it in the query (ORDER BY, WHERE) and run it again.",
        );
      }
      try {
        await this.store.exec(build);
      } catch (error) {
        this.store.budget.forceCharge(runId, -bytes);
        throw error;
      }
      const connection = await this.store.connect();
      try {
        await setLedgerBytes(connection, runId, () => this.store.budget.holding(runId)?.bytes ?? 0);
      } finally {
        connection.closeSync();
      }
    } finally {
      this.store.budget.unpin(runId);
    }
  }

  /** Notes a view's use; past MAX_VIEWS_PER_RUN, the run's least recently used view is dropped. */
  private used(runId: string, index: string): void {
    let views = this.views.get(runId);
    if (!views) {
      views = new Map();
      this.views.set(runId, views);
    }
    views.delete(index);
    views.set(index, Date.now());
    if (views.size <= MAX_VIEWS_PER_RUN) return;
    for (const old of views.keys()) {
      if (old === index || (this.building.has(old) && !this.done.has(old))) continue;
      views.delete(old);
      this.forget(old);
      void this.drop(runId, old);
      return;
    }
  }

  private async drop(runId: string, index: string): Promise<void> {
    try {
      await this.store.exec(`DROP TABLE IF EXISTS ${index}`);
      const held = this.store.budget.holding(runId);
      if (held) {
        this.store.budget.forceCharge(runId, -sortIndexBytes(held.rows));
        const connection = await this.store.connect();
        try {
          await setLedgerBytes(connection, runId, () => this.store.budget.holding(runId)?.bytes ?? 0);
        } finally {
          connection.closeSync();
        }
      }
    } catch (error) {
      console.error("could not drop a filtered view:", error);
    }
  }

  /** A dropped index is built again when next asked for. */
  forget(index: string): void {
    this.building.delete(index);
    this.done.delete(index);
    this.counted.delete(index);
  }

  /** The run's result is gone: so are its views. */
  forgetRun(runId: string): void {
    this.views.delete(runId);
  }
}
