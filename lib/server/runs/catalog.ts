import "server-only";
import { LRUCache } from "lru-cache";
import type { Db } from "../db/client";
import {
  failRunningRunsOf,
  findRuns,
  runOwners,
  runStates,
  runsShownInCells,
  saveRun,
  setResultExpired,
} from "../db/queries/runs";
import type { Run } from "../db/schema";
import { evict } from "./eviction";
import type { ResultStore } from "./result-store";

/**
 * What the server keeps about a run, beside its stored rows: its row in the
 * metadata store, with `owner` for the row's `userId` (its `instanceId` is the
 * catalog's, and a record made in memory may leave out the optional fields),
 * and what the result store says of those rows.
 */
export type RunRecord = Omit<
  Run,
  | "userId"
  | "instanceId"
  | "notebookId"
  | "resultExpired"
  | "parentId"
  | "statements"
  | "place"
  | "parameters"
  | "ranAs"
> &
  Partial<Pick<Run, "notebookId" | "resultExpired" | "parentId" | "statements" | "place" | "parameters" | "ranAs">> & {
    owner: Run["userId"];
    /** The stored rows were removed to free space for newer results (see eviction.ts). */
    removedForSpace?: boolean;
    /** `truncated` by the storage budget rather than the caps on one result. */
    cutByBudget?: boolean;
  };

/**
 * Run records live in the metadata store, where they are the query history;
 * the rows of a result live in this instance's result store. `instanceId`
 * names this server's store, so that instances sharing PostgreSQL each clean
 * up only their own runs.
 */
export class RunCatalog {
  /**
   * Records of ended runs, so that reading their pages needs no look-up in the
   * metadata store. What can still change about an ended run is forgotten
   * where it changes: its rows removed (expiry, the budget), its saved query
   * (adoption). The time limit bounds what another instance sharing
   * PostgreSQL could change unseen.
   */
  private readonly ended = new LRUCache<string, RunRecord>({ max: 10_000, ttl: 60_000 });
  /** Counts `forget` calls: a load that overlapped one does not cache what it read. */
  private forgets = 0;

  constructor(
    private readonly db: Db,
    private readonly store: ResultStore,
    readonly instanceId: string,
  ) {
    store.onRemove = (id) => this.forget(id);
  }

  /** Drops what is cached of a run whose record or rows just changed. */
  forget(id: string): void {
    this.forgets++;
    this.ended.delete(id);
  }

  async init(): Promise<void> {
    // Run records of the first version lived in the result store; the history starts here.
    await this.store.exec("DROP TABLE IF EXISTS runs");
    // Runs cut off by a restart of this instance can never finish: say so instead of "running" forever.
    await failRunningRunsOf(this.db, this.instanceId);
    await this.measureUnknownResults();
    // The budget makes room by removing results; which ones follows from the notebooks and tabs that show them.
    this.store.budget.evict = (shortfall) => evict(this.db, this.store, shortfall);
  }

  /**
   * Results stored before the budget's ledger existed, or cut off by a crash
   * while written, are measured once (see ledger.ts); a result without a run
   * record is dropped, as `expire` would.
   */
  private async measureUnknownResults(): Promise<void> {
    const ids = this.store.unmeasured;
    if (ids.length === 0) return;
    const owners = new Map((await runOwners(this.db, ids)).map((r) => [r.id, r.owner]));
    for (const id of ids) {
      const owner = owners.get(id);
      if (owner) await this.store.measure(id, owner);
      else await this.store.drop(id);
    }
  }

  async save(run: RunRecord): Promise<void> {
    const row = {
      id: run.id,
      userId: run.owner,
      connectionId: run.connectionId,
      queryId: run.queryId,
      notebookId: run.notebookId ?? null,
      sql: run.sql,
      status: run.status,
      columns: run.columns,
      rowCount: run.rowCount,
      truncated: run.truncated,
      message: run.message,
      statementCount: run.statementCount,
      error: run.error,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      firstPageMs: run.firstPageMs,
      instanceId: this.instanceId,
      parentId: run.parentId ?? null,
      statements: run.statements ?? [],
      place: run.place ?? null,
      parameters: run.parameters ?? [],
      ranAs: run.ranAs ?? null,
    };
    this.forget(run.id);
    await saveRun(this.db, row);
    // The first page after a run ends should not wait for the metadata store: keep the record now.
    if (run.status !== "running") void this.load(run.id).catch(() => {});
  }

  async load(id: string): Promise<RunRecord | null> {
    const cached = this.ended.get(id);
    if (cached) return cached;
    const forgets = this.forgets;
    const record = (await this.loadMany([id]))[0] ?? null;
    if (record && record.status !== "running" && !record.resultExpired && forgets === this.forgets)
      this.ended.set(id, record);
    return record;
  }

  /** Several runs in one query (a notebook's cells), in no particular order. */
  async loadMany(ids: string[]): Promise<RunRecord[]> {
    if (ids.length === 0) return [];
    const rows = await findRuns(this.db, ids);
    const removed = rows.filter((row) => row.resultExpired).map((row) => row.id);
    const forSpace = removed.length > 0 ? await this.store.removedForSpace(removed) : new Set<string>();
    return rows.map((row) => ({
      id: row.id,
      owner: row.userId,
      connectionId: row.connectionId,
      queryId: row.queryId,
      notebookId: row.notebookId,
      sql: row.sql,
      status: row.status,
      columns: row.columns,
      rowCount: row.rowCount,
      truncated: row.truncated,
      message: row.message,
      statementCount: row.statementCount,
      error: row.error,
      startedAt: row.startedAt,
      finishedAt: row.finishedAt,
      firstPageMs: row.firstPageMs,
      resultExpired: row.resultExpired,
      parentId: row.parentId,
      statements: row.statements,
      place: row.place,
      parameters: row.parameters,
      ranAs: row.ranAs,
      removedForSpace: forSpace.has(row.id),
      cutByBudget: row.truncated && this.store.cutShortByBudget(row.id),
    }));
  }

  /**
   * Drops the stored rows of this instance's finished runs that started before
   * `cutoff` (and of any stored table without a run record), except notebook
   * cells' current results. The history
   * entries stay, marked as expired.
   */
  async expire(cutoff: Date): Promise<number> {
    const tables = await this.store.read(
      "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'r\\_%' ESCAPE '\\'",
    );
    const stored = tables.map(([name]) => String(name).slice(2));
    if (stored.length === 0) return 0;
    const known = new Map((await runStates(this.db, stored)).map((r) => [r.id, r]));
    // A notebook cell's last result stays while it is the cell's result, so reopening never needs a run.
    const pinned = new Set((await runsShownInCells(this.db, stored)).map((r) => r.id));
    // A result being written or downloaded waits for the next sweep.
    const old = stored.filter((id) => {
      const run = known.get(id);
      if (this.store.budget.isPinned(id)) return false;
      return !run || (run.status !== "running" && run.startedAt < cutoff && !pinned.has(id));
    });
    for (const id of old) await this.store.drop(id);
    if (old.length > 0) await setResultExpired(this.db, old, true);
    for (const id of old) this.forget(id);
    return old.length;
  }
}
