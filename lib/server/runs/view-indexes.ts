import "server-only";
import { UserError } from "@/lib/action-result";
import type { SortSpec } from "@/lib/results/types";
import { sqlString } from "@/lib/sql/quote";
import { setLedgerBytes, sortIndexBytes } from "./ledger";
import type { ResultStore } from "./result-store";
import { resultTable, sortIndexSql, sortIndexTable } from "./store-sql";

/** Sort (and, later, view) indexes of stored results, built or being built, by table name. */
export class ViewIndexes {
  private readonly building = new Map<string, Promise<void>>();

  constructor(private readonly store: Pick<ResultStore, "read" | "exec" | "connect" | "budget">) {}

  /**
   * The run's rows sorted once, on the first sorted page: later pages of that
   * sort are rowid ranges (a full sort per page took seconds at 10M rows).
   * Concurrent requests wait for the same build.
   */
  async of(runId: string, sort: SortSpec): Promise<string> {
    const index = sortIndexTable(runId, sort);
    let building = this.building.get(index);
    if (!building) {
      building = this.build(runId, index, sort);
      this.building.set(index, building);
      building.catch(() => this.building.delete(index));
    }
    await building;
    return index;
  }

  /** A sort index is charged to the result it sorts (and so to its owner), with the result pinned meanwhile. */
  private async build(runId: string, index: string, sort: SortSpec): Promise<void> {
    const build = sortIndexSql(resultTable(runId), index, sort);
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
          "There is no room left in the result store to sort this result. Sort it in the query (ORDER BY) and run it again.",
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
        await setLedgerBytes(connection, runId, this.store.budget.holding(runId)?.bytes ?? 0);
      } finally {
        connection.closeSync();
      }
    } finally {
      this.store.budget.unpin(runId);
    }
  }

  /** A dropped index is built again when next asked for. */
  forget(index: string): void {
    this.building.delete(index);
  }
}
