import "server-only";
import { randomUUID } from "node:crypto";
import { UserError } from "@/lib/action-result";
import { csvLine } from "@/lib/csv";
import { bindStatement } from "@/lib/sql/parameter-binding";
import { splitStatements } from "@/lib/sql/split";
import { isQuery } from "@/lib/sql/statement-kind";
import type { Caller } from "../auth/caller";
import type { Engine, EngineSession, StatementResult } from "../engines/types";
import { runtime } from "../runtime";
import { readable, stored } from "./access";
import { attributionOf } from "./attribution";
import type { RunRecord } from "./catalog";
import { csvOfBatches } from "./csv-batches";
import { type ActiveDownload, admit, downloads, granted, refuseWhileStopping } from "./registry";
import { armStatementTimeout, timedOut, timeoutMessage } from "./timeout";

/** The whole stored result as CSV, with a header row of the column names. */
export async function csvDownload(
  actor: Caller,
  id: string,
): Promise<{ record: RunRecord; body: ReadableStream<Uint8Array> }> {
  const record = await stored(actor, id);
  if (record.status === "running")
    throw new UserError("The query is still running; download its result when it has finished.", "conflict");
  if (record.columns.length === 0) throw new UserError("This run has no result rows to download.");
  const rt = await runtime();
  return { record, body: rt.store.csv(id, record.rowCount, csvLine(record.columns.map((c) => c.name)), actor.id) };
}

/**
 * Every row of a run whose stored result was cut at the cap, as CSV: its
 * statement runs again on the same connection, and its rows stream to the
 * download through DuckDB's CSV writer without being stored. Only the person
 * who ran it may, with their current access to the connection, and only a
 * single query (running statements that change data again would change it
 * twice). A result that was not cut is downloaded from the store as usual.
 */
export async function allRowsCsv(
  actor: Caller,
  id: string,
  engineOf: (connectionId: string) => Promise<Engine>,
  /** The request's signal: a download left while it waits for a slot leaves the queue. */
  leave?: AbortSignal,
): Promise<{ record: RunRecord; body: ReadableStream<Uint8Array> }> {
  const record = await readable(actor, id);
  if (!record.truncated) return csvDownload(actor, id);
  const rt = await runtime();
  const body = await runAgain(actor, record, engineOf, leave, (result, stream) =>
    csvOfBatches(
      rt.store.csvStore(),
      randomUUID().replaceAll("-", ""),
      result.columns.map((c) => c.storageType),
      result.batches,
      csvLine(result.columns.map((c) => c.name)),
      { ...stream, downloader: actor.id },
    ),
  );
  return { record, body };
}

/** How a full download's rows become its body: `stop` stops the statement, `onEnd` runs once however the body ends. */
export type BodyOfRows = (
  result: Extract<StatementResult, { kind: "rows" }>,
  stream: { stop: () => void; onEnd: () => void },
) => ReadableStream<Uint8Array>;

/**
 * Runs a truncated run's single query again for a full download, in a slot
 * of its member's (waiting if need be), with the run's parameter values,
 * under the statement timeout; `body` makes the download of its rows.
 */
export async function runAgain(
  actor: Caller,
  record: RunRecord,
  engineOf: (connectionId: string) => Promise<Engine>,
  leave: AbortSignal | undefined,
  body: BodyOfRows,
): Promise<ReadableStream<Uint8Array>> {
  refuseWhileStopping();
  if (record.owner !== actor.id)
    throw new UserError("Only the person who ran this query can download all of its rows: it runs again.", "forbidden");
  const engine = await engineOf(record.connectionId);
  const statements = splitStatements(record.sql, engine.dialect);
  if (statements.length !== 1 || !isQuery(statements[0].text, engine.dialect)) {
    throw new UserError(
      "Only a single query can run again for a full download. Run its last statement on its own, then download.",
    );
  }
  // A statement on an engine like a run's: it takes a slot of its member's, waiting if need be.
  const slot = admit(actor.id, null);
  const download: ActiveDownload = { owner: actor.id, controller: new AbortController() };
  const { controller } = download;
  downloads.add(download);
  const stopOnLeave = () => controller.abort();
  leave?.addEventListener("abort", stopOnLeave, { once: true });
  let session: EngineSession | null = null;
  let disarm = () => {};
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    disarm();
    leave?.removeEventListener("abort", stopOnLeave);
    downloads.delete(download);
    const closing = session?.close().catch(() => {});
    // The slot is free once the statement's session is closed.
    void Promise.resolve(closing).then(() => slot.release());
  };
  try {
    if (!(await granted(slot, controller.signal))) {
      throw new UserError("The download was stopped before it started.");
    }
    disarm = armStatementTimeout(controller);
    // Owner only (above): the run's own attribution, as its first execution had.
    const attribution = engine.dialect === "databricks" ? await attributionOf(await runtime(), record) : undefined;
    session = await engine.openSession({ signal: controller.signal }, null, attribution);
    // The same values as the run, bound the same way.
    const specs = new Map((record.parameters ?? []).map((spec) => [spec.name, spec]));
    const bound = specs.size > 0 ? bindStatement(statements[0].text, engine.dialect, specs) : null;
    const result = await session.execute(
      bound?.text ?? statements[0].text,
      controller.signal,
      undefined,
      bound?.values,
    );
    if (result.kind !== "rows") throw new UserError("The statement no longer returns rows.");
    return body(result, { stop: () => controller.abort(), onEnd: finish });
  } catch (error) {
    finish();
    throw timedOut(controller.signal, error) ? new UserError(timeoutMessage()) : error;
  }
}
