"use client";

import type { FormatResult } from "@/lib/sql/format";
import type { SqlDialect } from "@/lib/sql/split";

/** A format that takes longer is stopped (its worker ended) and changes nothing. */
export const FORMAT_TIMEOUT_MS = 5000;

let worker: Worker | null = null;
let sequence = 0;

/**
 * Formats `text` in a worker (format.worker.ts), started on first use, so
 * that neither sql-formatter nor its time lands on the page's thread.
 */
export function formatInWorker(text: string, dialect: SqlDialect): Promise<FormatResult> {
  worker ??= new Worker(new URL("./format.worker.ts", import.meta.url), { type: "module" });
  const current = worker;
  const id = ++sequence;
  return new Promise((resolve) => {
    const done = (result: FormatResult) => {
      clearTimeout(timer);
      current.removeEventListener("message", onMessage);
      current.removeEventListener("error", onError);
      resolve(result);
    };
    const stop = (message: string) => {
      current.terminate();
      if (worker === current) worker = null;
      done({ ok: false, message });
    };
    const onMessage = (event: MessageEvent<{ id: number; result: FormatResult }>) => {
      if (event.data.id === id) done(event.data.result);
    };
    const onError = () => stop("The formatter failed to start; nothing was changed.");
    const timer = setTimeout(
      () => stop(`Formatting took more than ${FORMAT_TIMEOUT_MS / 1000} seconds and was stopped; nothing was changed.`),
      FORMAT_TIMEOUT_MS,
    );
    current.addEventListener("message", onMessage);
    current.addEventListener("error", onError);
    current.postMessage({ id, text, dialect });
  });
}
