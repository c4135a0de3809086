import "server-only";
import { notFoundError } from "@/lib/action-result";
import { DOWNLOAD_ID, type DownloadProgressView } from "@/lib/exports/progress";
import { failure } from "../actions/safe-action";

/**
 * Progress of the downloads this process is sending, by (member, download id):
 * the browser keeps its own download (a link or a form, so the file goes to
 * disk in constant memory and the browser shows it as usual) and asks here
 * how far it got, and may cancel it. An ended download is kept a few minutes
 * for the page's last look.
 */
interface Tracked extends DownloadProgressView {
  owner: string;
  id: string;
  controller: AbortController;
  endedAt: number | null;
}

const KEEP_MS = 10 * 60_000;
/** Downloads remembered per member; the oldest ended ones go first. */
const PER_MEMBER = 50;

const holder = globalThis as { __lakebookDownloadProgress?: Map<string, Tracked> };
holder.__lakebookDownloadProgress ??= new Map();
const tracked = holder.__lakebookDownloadProgress;

const keyOf = (owner: string, id: string) => `${owner}\n${id}`;

function forgetOld(owner: string): void {
  const now = Date.now();
  const theirs = [...tracked.values()].filter((t) => t.owner === owner);
  for (const t of theirs) if (t.endedAt !== null && now - t.endedAt > KEEP_MS) tracked.delete(keyOf(owner, t.id));
  const ended = theirs.filter((t) => t.endedAt !== null).sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0));
  while (ended.length > 0 && [...tracked.values()].filter((t) => t.owner === owner).length >= PER_MEMBER) {
    const oldest = ended.shift();
    if (oldest) tracked.delete(keyOf(owner, oldest.id));
  }
}

export interface DownloadTracker {
  signal: AbortSignal;
  addRows(rows: number): void;
  setTotal(rows: number | null): void;
  fail(error: unknown): void;
}

/** Starts tracking a download; null when the page gave no usable id (the download goes on untracked). */
export function trackDownload(owner: string, id: string | null): DownloadTracker | null {
  if (id === null || !DOWNLOAD_ID.test(id)) return null;
  forgetOld(owner);
  const key = keyOf(owner, id);
  // The same id twice: the earlier download keeps its entry (ids are random; a repeat is a replay).
  if (tracked.has(key)) return null;
  const entry: Tracked = {
    owner,
    id,
    state: "running",
    rows: 0,
    bytes: 0,
    totalRows: null,
    message: null,
    controller: new AbortController(),
    endedAt: null,
  };
  tracked.set(key, entry);
  return trackerOf(entry);
}

const entries = new WeakMap<DownloadTracker, Tracked>();

function trackerOf(entry: Tracked): DownloadTracker {
  const tracker: DownloadTracker = {
    signal: entry.controller.signal,
    addRows: (rows) => {
      entry.rows += rows;
    },
    setTotal: (rows) => {
      entry.totalRows = rows;
    },
    fail: (error) => end(entry, "failed", failure(error).error),
  };
  entries.set(tracker, entry);
  return tracker;
}

function end(entry: Tracked, state: Tracked["state"], message: string | null): void {
  if (entry.state !== "running") return;
  entry.state = state;
  entry.message = message;
  entry.endedAt = Date.now();
}

/**
 * A download's body, counted as it is sent; cancelling the download (see
 * `cancelDownload`) ends it with an error, so the browser's download fails
 * rather than keeping a partial file as complete, and stops its source.
 */
export function trackedBody(body: ReadableStream<Uint8Array>, tracker: DownloadTracker): ReadableStream<Uint8Array> {
  const entry = entries.get(tracker);
  if (!entry) return body;
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        entry.controller.signal.addEventListener(
          "abort",
          () => {
            end(entry, "cancelled", "Download cancelled.");
            try {
              // An AbortError: the server ends the response as broken (the browser's download fails) without logging it as a fault.
              controller.error(new DOMException("Download cancelled.", "AbortError"));
            } catch {}
            reader.cancel().catch(() => {});
          },
          { once: true },
        );
      },
      async pull(controller) {
        try {
          const { value, done } = await reader.read();
          if (entry.state !== "running") return;
          if (done) {
            end(entry, "done", null);
            controller.close();
            return;
          }
          entry.bytes += value.byteLength;
          controller.enqueue(value);
        } catch (error) {
          if (entry.state !== "running") return;
          end(entry, "failed", failure(error).error);
          controller.error(error);
        }
      },
      async cancel(reason) {
        // The browser went away (or its download was cancelled there).
        end(entry, "cancelled", "The download was stopped before it finished.");
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

export function downloadProgress(owner: string, id: string): DownloadProgressView {
  const entry = tracked.get(keyOf(owner, id));
  if (!entry) throw notFoundError();
  const { state, rows, bytes, totalRows, message } = entry;
  return { state, rows, bytes, totalRows, message };
}

/** Cancels a member's own download; one that already ended stays as it ended. */
export function cancelDownload(owner: string, id: string): DownloadProgressView {
  const entry = tracked.get(keyOf(owner, id));
  if (!entry) throw notFoundError();
  entry.controller.abort();
  return downloadProgress(owner, id);
}
