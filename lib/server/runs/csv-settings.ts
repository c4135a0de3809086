import "server-only";
import { ROW_GROUP } from "./staging";

/**
 * A download is written by DuckDB's CSV writer in segments of whole row groups,
 * two at a time ahead of the one streaming out: under the store's memory limit
 * one COPY keeps about one thread busy, two keep both (10M rows: 8.6 s -> 5.2 s
 * in DuckDB alone) for ~30 MB more. A segment is at most four row groups
 * (fewer COPYs; four wrote 10M rows faster than two or one).
 */
export const CSV_SEGMENT_ROWS = 4 * ROW_GROUP;
export const CSV_SEGMENTS_AHEAD = 2;

/**
 * Most rows of a segment of a sorted or filtered view: it joins its rows to
 * the view's index and sorts them back into view order, in memory that grows
 * with its rows. Over 2M rows of four columns, one row group needed 15MB of
 * DuckDB's memory and four 26MB, so the two segments written at once came
 * near the store's 64MB on their own, and a download ran out of memory.
 */
export const VIEW_SEGMENT_ROWS = ROW_GROUP;

/**
 * Rows of the segment that starts at `from`: one row group at the start (the
 * first bytes leave at once), growing to four, and shrinking again near the end
 * so that both COPYs finish together instead of one writing a long last
 * segment alone.
 */
export function csvSegmentRows(from: number, rowCount: number): number {
  const groups = Math.floor(Math.min(from, (rowCount - from) / (2 * CSV_SEGMENTS_AHEAD)) / ROW_GROUP);
  return Math.min(CSV_SEGMENT_ROWS, Math.max(1, groups) * ROW_GROUP);
}
/**
 * A download file is charged at this many times the bytes of its rows before
 * it is written (CSV text of a value takes at most about 3x its bytes, a
 * blob's \x escapes 4x), then at its true size.
 */
export const CSV_BYTES_FACTOR = 4;
/** How long a download file waits for room before the download fails. */
export const FILE_WAIT_MS = 30_000;

export function fileKey(file: string): string {
  return `file:${file}`;
}

/** Bytes streamed between collections of the spent read buffers (see native-memory.ts). */
export const CSV_RELEASE_BYTES = 8 * 1024 * 1024;
