"use client";

import { useCallback, useState } from "react";
import { newDownloadId } from "@/lib/exports/client";

export interface StartedDownload {
  id: string;
  /** What it downloads, e.g. "CSV" or "every row as Parquet". */
  label: string;
}

/**
 * The downloads a results panel started: each goes through the browser's own
 * download (a link or a form, straight to disk), and the panel follows it by
 * its id (DownloadProgress). `start` makes the id and hands it to `begin`,
 * which starts the browser's download with it.
 */
export function useDownloads() {
  const [downloads, setDownloads] = useState<StartedDownload[]>([]);
  const start = useCallback((label: string, begin: (id: string) => void) => {
    const id = newDownloadId();
    begin(id);
    // The newest first; the one before it stays in view too (it may still be going on, with its Cancel).
    setDownloads((list) => [{ id, label }, ...list].slice(0, 2));
  }, []);
  const dismiss = useCallback((id: string) => setDownloads((list) => list.filter((d) => d.id !== id)), []);
  return { downloads, start, dismiss };
}

/** Starts the browser's own download of `url`, as a click on a download link would. */
export function browserDownload(url: string): void {
  const link = document.createElement("a");
  link.href = url;
  link.download = "";
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}
