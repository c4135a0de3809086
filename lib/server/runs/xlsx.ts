import "server-only";
import { once } from "node:events";
import { PassThrough, type Writable } from "node:stream";
import ExcelJS from "exceljs";
import { XLSX_MAX_CELL_CHARS, XLSX_MAX_ROWS } from "@/lib/exports/formats";
import { type CellKind, excelCell, excelText } from "@/lib/exports/xlsx-cells";

/** Bytes of the workbook waiting to be read before the writer waits for the reader. */
const AHEAD_BYTES = 1 << 20;
/** Bytes of a sheet's XML waiting for deflate before the writer waits for it to drain. */
const PENDING_XML_BYTES = 4 << 20;
/** Cut cells listed on the notes sheet, at most. */
const NOTED_CELLS = 100;

/**
 * Waits while the sheet's XML waits to be compressed: exceljs writes a
 * sheet's rows into the zip's entry stream without heeding its backpressure,
 * so a writer faster than deflate piled up the whole sheet's XML in memory
 * (1M rows: 635 MiB RSS; 600k rows: 598 MiB live after a collection, 30 MiB
 * with this wait). The entry stream is archiver's (exceljs 4.4.0, pinned).
 */
async function zipped(sheet: unknown): Promise<void> {
  // The entry is a readable-stream 2.x PassThrough, whose state is only in `_writableState`.
  const entry = (sheet as { stream?: { pipes?: (Writable & { _writableState?: { length?: number } })[] } }).stream
    ?.pipes?.[0];
  if (entry && (entry._writableState?.length ?? 0) > PENDING_XML_BYTES) await once(entry, "drain");
}

/**
 * An Excel workbook written as it streams (exceljs' streaming writer, rows
 * written inline, no shared-strings table held in memory): a header row of
 * the column names, then the rows `batches` gives as DuckDB's text of each
 * value. The writer waits while more than 1 MiB of the file is unread, so
 * memory stays at about a batch whatever the size. Past Excel's 1,048,575
 * data rows, or past its 32,767 characters in a cell, what is cut is said on
 * a second sheet, "Lakebook notes". `end` runs once, however it ends.
 */
export function xlsxStream(
  names: readonly string[],
  kinds: readonly CellKind[],
  batches: AsyncIterator<(string | null)[][]>,
  { onRows = () => {}, end }: { onRows?: (rows: number) => void; end: () => Promise<void> },
): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  let wake: (() => void) | null = null;
  let stopped = false;
  let ended: Promise<void> | null = null;
  const finish = () => {
    ended ??= (async () => {
      await batches.return?.().catch(() => {});
      await end();
    })();
    return ended;
  };
  const produce = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
    const sheet = workbook.addWorksheet("Result");
    sheet.addRow(names.map((name) => excelText(name).text)).commit();
    let rows = 0;
    let more = false;
    const cutCells: string[] = [];
    let cutCount = 0;
    for (;;) {
      if (stopped) return;
      const { value: batch, done } = await batches.next();
      if (done) break;
      const room = XLSX_MAX_ROWS - rows;
      if (batch.length > room) more = true;
      for (const values of batch.slice(0, room)) {
        rows++;
        const cells = values.map((value, c) => {
          const cell = excelCell(kinds[c], value);
          if (cell.cut && cutCount++ < NOTED_CELLS) cutCells.push(`row ${rows}, column ${names[c]}`);
          return cell.value;
        });
        sheet.addRow(cells).commit();
      }
      onRows(Math.min(batch.length, room));
      if (more) break;
      await zipped(sheet);
      while (!stopped && (controller.desiredSize ?? 0) <= 0) await new Promise<void>((resolve) => (wake = resolve));
    }
    sheet.commit();
    if (more || cutCount > 0) {
      const notes = workbook.addWorksheet("Lakebook notes");
      if (more) {
        notes
          .addRow([
            `The result has more rows than an Excel sheet holds: only its first ${XLSX_MAX_ROWS.toLocaleString("en-US")} rows are here. Download it as CSV, Parquet or NDJSON for every row.`,
          ])
          .commit();
      }
      if (cutCount > 0) {
        notes
          .addRow([
            `${cutCount} cells held more than Excel's ${XLSX_MAX_CELL_CHARS.toLocaleString("en-US")} characters and were cut to that length${cutCount > NOTED_CELLS ? ` (the first ${NOTED_CELLS} are listed)` : ""}. Download CSV or Parquet for their whole text:`,
          ])
          .commit();
        for (const cell of cutCells) notes.addRow([cell]).commit();
      }
      notes.commit();
    }
    await workbook.commit();
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        out.on("data", (chunk: Buffer) => {
          if (!stopped) controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        });
        out.on("end", () => {
          void finish().then(() => {
            if (!stopped) controller.close();
          });
        });
        produce(controller).catch((error: unknown) => {
          void finish().then(() => {
            if (!stopped) controller.error(error);
            stopped = true;
          });
        });
      },
      pull() {
        wake?.();
        wake = null;
      },
      async cancel() {
        stopped = true;
        wake?.();
        out.destroy();
        await finish();
      },
    },
    { highWaterMark: AHEAD_BYTES, size: (chunk) => chunk.byteLength },
  );
}
