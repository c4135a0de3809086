import type { RunError, RunStatus } from "@/lib/results/types";
import type { RunParameter } from "@/lib/sql/parameters";

/** The query history as the browser sees it: one entry per run. */

export const RUN_STATUSES = ["succeeded", "failed", "cancelled", "running"] as const satisfies readonly RunStatus[];

export const STATUS_LABELS: Record<RunStatus, string> = {
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
};

export const HISTORY_PAGE_SIZE = 50;
/** Characters of SQL sent with the list; longer SQL is fetched when someone asks for it. */
export const SQL_PREVIEW_CHARS = 4000;

export interface HistoryFilters {
  status?: RunStatus;
  connection?: string;
  /** Admins only: whose runs. Ignored for everyone else. */
  user?: string;
  /** Inclusive days, YYYY-MM-DD, in `tz`. */
  from?: string;
  to?: string;
  /** Text the SQL contains. */
  q?: string;
  /** The viewer's IANA time zone, so that "from" and "to" mean their own days. */
  tz?: string;
  /** Keyset cursors (see encodeCursor): the page just older or just newer than an entry. */
  before?: string;
  after?: string;
}

export interface HistoryEntry {
  id: string;
  startedAt: string;
  durationMs: number | null;
  userId: string;
  userName: string;
  connectionId: string;
  /** The connection's name, or "(removed connection)". */
  connectionName: string;
  /** The viewer can still run on it; otherwise a reopened entry opens on the built-in warehouse. */
  connectionUsable: boolean;
  queryId: string | null;
  status: RunStatus;
  /** Running, but still waiting for a free slot. */
  waiting?: boolean;
  rowCount: number;
  hasResult: boolean;
  truncated: boolean;
  message: string | null;
  error: RunError | null;
  /** The first SQL_PREVIEW_CHARS characters of the SQL. */
  sql: string;
  sqlLength: number;
  /** The `:name` values it ran with: shown, and given to the tab that reopens it. */
  parameters: RunParameter[];
}

export interface HistoryPage {
  entries: HistoryEntry[];
  /** Cursors for the next older and newer pages, when there are any. */
  older: string | null;
  newer: string | null;
}

/** A position in the newest-first order: (started_at, id). */
export interface Cursor {
  startedAt: string;
  id: string;
}

export function encodeCursor(entry: { startedAt: string; id: string }): string {
  return `${entry.startedAt}_${entry.id}`;
}

export function decodeCursor(text: string): Cursor | null {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?Z)_([\w-]{1,64})$/.exec(text);
  if (!match || Number.isNaN(Date.parse(match[1]))) return null;
  return { startedAt: match[1], id: match[2] };
}

export function validTimeZone(tz: string | undefined): string {
  if (!tz) return "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return tz;
  } catch {
    return "UTC";
  }
}

/** The instant a day (YYYY-MM-DD) starts in a time zone, `days` later. */
export function startOfDay(date: string, timeZone: string, days = 0): Date {
  const [y, m, d] = date.split("-").map(Number);
  const wall = Date.UTC(y, m - 1, d + days);
  // The zone's offset at the guess, corrected once for a DST change between guess and answer.
  let instant = wall - zoneOffset(wall, timeZone);
  instant = wall - zoneOffset(instant, timeZone);
  return new Date(instant);
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms. */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** A short tab title from the first line of SQL. */
export function titleFromSql(sql: string): string {
  const line =
    sql
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l && !l.startsWith("--")) ?? "";
  const short = line.length > 40 ? `${line.slice(0, 40)}…` : line;
  return short ? `History: ${short}` : "From history";
}
