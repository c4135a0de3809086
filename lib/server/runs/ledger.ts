import "server-only";
import type { DuckDBConnection } from "@duckdb/node-api";
import { sqlString } from "@/lib/sql/quote";
import { chunkBytes, TABLE_BYTES } from "./chunk-bytes";
import { sortIndexesOfSql } from "./store-sql";

/**
 * The budget's ledger on disk, in the results file beside the results: the
 * bytes each stored result holds (with its sort indexes), so that a restart
 * knows them without reading every result again, and a tombstone for each
 * result removed to free space, so that its run can say so.
 */
export const LEDGER_SQL = `CREATE TABLE IF NOT EXISTS ledger (
  run_id VARCHAR PRIMARY KEY,
  owner VARCHAR NOT NULL,
  bytes BIGINT NOT NULL,
  rows BIGINT NOT NULL,
  -- 'budget' when the storage budget cut the result short
  cut VARCHAR,
  -- 'space' once removed to free space: the row stays as a tombstone
  removed VARCHAR,
  -- false while the result is written: after a crash it is measured again
  final BOOLEAN NOT NULL,
  used_at TIMESTAMP NOT NULL
)`;

export interface LedgerRow {
  runId: string;
  owner: string;
  bytes: number;
  rows: number;
  cut: "budget" | null;
  usedAt: number;
}

/** Stored results the ledger knows, and result tables it does not know yet (or whose writer never finished). */
export async function readLedger(connection: DuckDBConnection): Promise<{ rows: LedgerRow[]; unmeasured: string[] }> {
  const known = await connection.runAndReadAll(
    "SELECT run_id, owner, bytes, rows, cut, epoch_ms(used_at) FROM ledger WHERE removed IS NULL AND final",
  );
  const rows = known.getRows().map(([runId, owner, bytes, count, cut, usedAt]) => ({
    runId: String(runId),
    owner: String(owner),
    bytes: Number(bytes),
    rows: Number(count),
    cut: cut === "budget" ? ("budget" as const) : null,
    usedAt: Number(usedAt),
  }));
  const tables = await connection.runAndReadAll(
    `SELECT substr(table_name, 3) FROM duckdb_tables()
     WHERE database_name = current_database() AND table_name LIKE 'r\\_%' ESCAPE '\\'`,
  );
  const measured = new Set(rows.map((r) => r.runId));
  const unmeasured = tables
    .getRows()
    .map(([id]) => String(id))
    .filter((id) => !measured.has(id));
  return { rows, unmeasured };
}

/** A result starts being written: held, not final. */
export async function openLedgerRow(
  connection: DuckDBConnection,
  runId: string,
  owner: string,
  bytes: number,
): Promise<void> {
  await connection.run("INSERT OR REPLACE INTO ledger VALUES ($1, $2, $3, 0, NULL, NULL, false, now()::TIMESTAMP)", [
    runId,
    owner,
    bytes,
  ]);
}

export async function settleLedgerRow(
  connection: DuckDBConnection,
  runId: string,
  values: { bytes: number; rows: number; cut: "budget" | null },
): Promise<void> {
  await connection.run(
    "UPDATE ledger SET bytes = $2, rows = $3, cut = $4, final = true, used_at = now()::TIMESTAMP WHERE run_id = $1",
    [runId, values.bytes, values.rows, values.cut],
  );
}

/**
 * Sets what a run's result holds, with its indexes, to `bytes()` as it is when
 * the update runs: two indexes of one result may finish at once (or one is
 * dropped as another is built), and whichever update DuckDB refuses for the
 * conflict is tried again with the figure as it is then, so the last one
 * written is the latest.
 */
export async function setLedgerBytes(connection: DuckDBConnection, runId: string, bytes: () => number): Promise<void> {
  await retryingConflicts(() => connection.run("UPDATE ledger SET bytes = $2 WHERE run_id = $1", [runId, bytes()]));
}

/** Attempts at a ledger update that DuckDB refuses because another transaction changed the same row. */
const CONFLICT_ATTEMPTS = 8;

/**
 * Runs `update` again while DuckDB refuses it for a write-write conflict
 * ("Conflict on update!"): its transactions are optimistic, so two updates of
 * one row at once fail one of them instead of waiting. Any other error is
 * thrown as it is.
 */
async function retryingConflicts<T>(update: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await update();
    } catch (error) {
      if (attempt >= CONFLICT_ATTEMPTS || !isWriteConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, attempt * 2));
    }
  }
}

/** Whether DuckDB refused a statement because another transaction changed the same rows. */
export function isWriteConflict(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  try {
    const parsed = JSON.parse(error.message) as { exception_type?: unknown; exception_message?: unknown };
    return parsed.exception_type === "TransactionContext" && String(parsed.exception_message).startsWith("Conflict on");
  } catch {
    // A store opened without errors_as_json.
    return error.message.startsWith("TransactionContext Error: Conflict on");
  }
}

/** A result removed: to free space it leaves a tombstone; otherwise (expired) nothing. */
export async function closeLedgerRow(
  connection: DuckDBConnection,
  runId: string,
  reason: "space" | "expired",
): Promise<void> {
  if (reason === "space") {
    await retryingConflicts(() =>
      connection.run("UPDATE ledger SET bytes = 0, removed = 'space', used_at = now()::TIMESTAMP WHERE run_id = $1", [
        runId,
      ]),
    );
  } else {
    await retryingConflicts(() => connection.run("DELETE FROM ledger WHERE run_id = $1", [runId]));
  }
}

/** Of these runs, those whose results were removed to free space. */
export async function removedForSpace(connection: DuckDBConnection, runIds: string[]): Promise<Set<string>> {
  // Run ids are 32 hex digits (resultTable checks the same): safe to list as literals.
  const ids = runIds.filter((id) => /^[0-9a-f]{32}$/.test(id));
  if (ids.length === 0) return new Set();
  const result = await connection.runAndReadAll(
    `SELECT run_id FROM ledger WHERE removed = 'space' AND run_id IN (${ids.map(sqlString).join(", ")})`,
  );
  return new Set(result.getRows().map(([id]) => String(id)));
}

/**
 * Measures a stored result by reading its rows back (the measure of
 * chunk-bytes.ts), with its sort indexes, and records it as final. Only for
 * results stored before the ledger existed or whose writer never finished.
 */
export async function measureResult(
  connection: DuckDBConnection,
  runId: string,
  table: string,
  owner: string,
): Promise<LedgerRow> {
  const result = await connection.stream(`SELECT * FROM ${table}`);
  const types = result.columnTypes();
  let bytes = TABLE_BYTES;
  let rows = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    bytes += chunkBytes(chunk, types);
    rows += chunk.rowCount;
  }
  const indexes = (await connection.runAndReadAll(sortIndexesOfSql(runId))).getRows().length;
  bytes += indexes * sortIndexBytes(rows);
  await openLedgerRow(connection, runId, owner, bytes);
  await settleLedgerRow(connection, runId, { bytes, rows, cut: null });
  return { runId, owner, bytes, rows, cut: null, usedAt: Date.now() };
}

/** A sort index: one BIGINT rowid a row, in a table of its own. */
export function sortIndexBytes(rows: number): number {
  return TABLE_BYTES + rows * 9;
}
