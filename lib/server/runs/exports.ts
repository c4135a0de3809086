import "server-only";
import { randomUUID } from "node:crypto";
import { UserError } from "@/lib/action-result";
import { type ExportOptions, FORMAT_INFO, XLSX_MAX_ROWS } from "@/lib/exports/formats";
import { exportHead } from "@/lib/exports/header";
import { jsonArrayOfLines } from "@/lib/exports/json-array";
import { cellKind } from "@/lib/exports/xlsx-cells";
import { isFiltered, type ResultFilter } from "@/lib/results/filters";
import type { SortSpec } from "@/lib/results/types";
import type { Caller } from "../auth/caller";
import type { Engine } from "../engines/types";
import { runtime } from "../runtime";
import { readable, stored } from "./access";
import { arrowStream } from "./arrow-export";
import type { RunRecord } from "./catalog";
import { csvOfBatches } from "./csv-batches";
import type { FileBytes } from "./csv-files";
import { storedCsv } from "./csv-files";
import { VIEW_SEGMENT_ROWS } from "./csv-settings";
import type { DownloadTracker } from "./download-progress";
import { runAgain } from "./downloads";
import { parquetOfBatches, storedParquet } from "./export-files";
import {
  type ExportColumn,
  exportCopySql,
  exportSelectList,
  rowRangeSql,
  viewRangeSql,
  viewSourceSql,
} from "./export-sql";
import { resultTable } from "./store-sql";
import { xlsxStream } from "./xlsx";
import { stagedTextRows, storedTextRows } from "./xlsx-sources";

type Export = { record: RunRecord; body: ReadableStream<Uint8Array> };

const TOO_MANY_FOR_EXCEL = (rows: number) =>
  `This result has ${rows.toLocaleString("en-US")} rows; an Excel sheet holds at most ${XLSX_MAX_ROWS.toLocaleString("en-US")}. Download it as CSV, Parquet or NDJSON instead.`;

/** JSON writes every column's name, quoted, with a colon and a comma, in every row (and braces). */
function rowOverhead(names: readonly string[], options: ExportOptions): number {
  if (options.format !== "json" && options.format !== "ndjson") return 0;
  return names.reduce((sum, name) => sum + Buffer.byteLength(name) + 4, 3);
}

function fileBytes(options: ExportOptions): FileBytes | undefined {
  if (options.format !== "json") return undefined;
  const lines = jsonArrayOfLines();
  return { transform: lines.transform, tail: lines.tail };
}

/**
 * A run's whole stored result in any export format, in constant server
 * memory: CSV, TSV, JSON and NDJSON in segments written by DuckDB (as the CSV
 * download, csv-files.ts), Parquet as one file of DuckDB's writer
 * (export-files.ts), XLSX by a streaming writer (xlsx.ts). Values are
 * DuckDB's own, never a JavaScript number on the way (export-sql.ts says
 * what each type becomes in each format).
 */
export async function storedExport(
  actor: Caller,
  id: string,
  options: ExportOptions,
  tracker?: DownloadTracker | null,
  /** Only the rows of this view of the result, in its order (what the grid shows filtered or sorted). */
  view?: { filter: ResultFilter | null; sort: SortSpec | null } | null,
  /** Only these rows of the stored result (the API's `offset` and `limit`; not for Parquet or Excel). */
  range?: { offset: number; limit: number } | null,
): Promise<Export> {
  const record = await stored(actor, id);
  if (record.status === "running")
    throw new UserError("The query is still running; download its result when it has finished.", "conflict");
  if (record.columns.length === 0) throw new UserError("This run has no result rows to download.");
  const rt = await runtime();
  const table = resultTable(id);
  const viewed =
    view && (isFiltered(view.filter) || view.sort)
      ? await rt.store.viewIndex(id, view.filter, view.sort, record.rowCount)
      : null;
  const skip = range ? Math.min(range.offset, record.rowCount) : 0;
  const rowCount = range ? Math.min(range.limit, record.rowCount - skip) : (viewed?.rows ?? record.rowCount);
  if (range && (viewed || options.format === "parquet" || options.format === "xlsx"))
    throw new UserError("A range of rows is read as CSV, TSV, JSON or NDJSON, without a filter.");
  if (options.format === "xlsx" && rowCount > XLSX_MAX_ROWS)
    throw new UserError(TOO_MANY_FOR_EXCEL(rowCount), "invalid");
  const store = rt.store.csvStore();
  const types = await rt.store.columnTypes(id).catch(() => {
    throw new UserError("This result was just removed to free space. Run the query again.", "conflict");
  });
  const columns: ExportColumn[] = record.columns.map((c, i) => ({ name: c.name, type: types[i] }));
  const select = exportSelectList(columns, options);
  const names = record.columns.map((c) => c.name);
  const onRows = (rows: number) => tracker?.addRows(rows);
  tracker?.setTotal(rowCount);
  const source = viewed ? viewSourceSql(table, viewed.index) : table;
  switch (options.format) {
    case "parquet":
      return {
        record,
        body: storedParquet(store, id, select, actor.id, onRows, viewed ? { source, rows: rowCount } : undefined),
      };
    case "xlsx": {
      if (!store.budget.pin(id))
        throw new UserError("This result was just removed to free space. Run the query again.", "conflict");
      const rows = storedTextRows(store, source, select);
      const end = async () => store.budget.unpin(id);
      return { record, body: xlsxStream(names, types.map(cellKind), rows, { onRows, end }) };
    }
    default: {
      const format = options.format;
      const rows = (from: number, to: number) =>
        viewed
          ? viewRangeSql(select, table, viewed.index, from, to)
          : rowRangeSql(select, table, from + skip, to + skip);
      const body = storedCsv(store, id, rowCount, exportHead(names, options), actor.id, {
        sql: (_, from, to, file) => exportCopySql(rows(from, to), file, format),
        extension: FORMAT_INFO[format].extension,
        bytes: fileBytes(options),
        onRows,
        rowOverhead: rowOverhead(names, options),
        segmentRows: viewed ? VIEW_SEGMENT_ROWS : undefined,
      });
      return { record, body };
    }
  }
}

/**
 * Every row of a run whose stored result was cut at the cap, in any format:
 * its single query runs again (see `runAgain`) and its rows stream through
 * stages of one row group into DuckDB's writer (CSV, TSV, JSON, NDJSON) or
 * the XLSX writer, stored nowhere; for Parquet, whose file is written whole,
 * into a table of download files first (export-files.ts). A result that was
 * not cut comes from the store.
 */
export async function allRowsExport(
  actor: Caller,
  id: string,
  options: ExportOptions,
  engineOf: (connectionId: string) => Promise<Engine>,
  leave?: AbortSignal,
  tracker?: DownloadTracker | null,
): Promise<Export> {
  const record = await readable(actor, id);
  if (!record.truncated) return storedExport(actor, id, options, tracker);
  const rt = await runtime();
  const store = rt.store.csvStore();
  const onRows = (rows: number) => tracker?.addRows(rows);
  const key = randomUUID().replaceAll("-", "");
  const body = await runAgain(actor, record, engineOf, leave, (result, { stop, onEnd }) => {
    const columns = result.columns.map((c) => ({ name: c.name, type: String(c.storageType) }));
    const select = exportSelectList(columns, options);
    const names = columns.map((c) => c.name);
    const types = result.columns.map((c) => c.storageType);
    if (options.format === "parquet") {
      return parquetOfBatches(store, key, types, result.batches, () => select, {
        stop,
        onEnd,
        downloader: actor.id,
        onRows,
      });
    }
    if (options.format === "xlsx") {
      const rows = stagedTextRows(store, key, types, result.batches, select);
      const end = async () => {
        stop();
        onEnd();
      };
      return xlsxStream(
        names,
        columns.map((c) => cellKind(c.type)),
        rows,
        { onRows, end },
      );
    }
    const format = options.format;
    return csvOfBatches(
      store,
      key,
      types,
      result.batches,
      exportHead(names, options),
      { stop, onEnd, downloader: actor.id },
      {
        sql: (stage, file) => exportCopySql(`SELECT ${select} FROM ${stage}`, file, format),
        extension: FORMAT_INFO[format].extension,
        bytes: fileBytes(options),
        onRows,
        rowOverhead: rowOverhead(names, options),
      },
    );
  });
  return { record, body };
}

/** A run's whole stored result as an Arrow IPC stream (arrow-export.ts), for the API. */
export async function storedArrow(actor: Caller, id: string): Promise<Export> {
  const record = await stored(actor, id);
  if (record.status === "running")
    throw new UserError("The query is still running; download its result when it has finished.", "conflict");
  if (record.columns.length === 0) throw new UserError("This run has no result rows to download.");
  const rt = await runtime();
  const store = rt.store.csvStore();
  const types = await rt.store.columnTypes(id).catch(() => {
    throw new UserError("This result was just removed to free space. Run the query again.", "conflict");
  });
  if (!store.budget.pin(id))
    throw new UserError("This result was just removed to free space. Run the query again.", "conflict");
  const columns = record.columns.map((c, i) => ({ name: c.name, type: types[i] }));
  return { record, body: arrowStream(store, resultTable(id), columns, () => store.budget.unpin(id)) };
}
