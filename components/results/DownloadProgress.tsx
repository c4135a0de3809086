"use client";

import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { cancelDownload, formatBytes, readDownload } from "@/lib/exports/client";
import type { DownloadProgressView } from "@/lib/exports/progress";
import { formatCount } from "@/lib/results/format";
import type { StartedDownload } from "./useDownloads";

const POLL_MS = 500;
/** How long the page waits for the server to hear of a download before it stops asking. */
const UNHEARD_MS = 15_000;

/**
 * One download's progress as the server counts it (rows and bytes sent), with
 * Cancel while it goes on. The browser's own download bar shows the bytes too;
 * this is what a results panel can say about it and stop.
 */
export function DownloadProgress({ download, onDismiss }: { download: StartedDownload; onDismiss(): void }) {
  const [view, setView] = useState<DownloadProgressView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const running = view === null || view.state === "running";

  useEffect(() => {
    if (!running) return;
    let stopped = false;
    const started = Date.now();
    const poll = async () => {
      const answer = await readDownload(download.id);
      if (stopped) return;
      if (answer.ok) setView(answer.data);
      else if (answer.code !== "not-found" || Date.now() - started > UNHEARD_MS) {
        setProblem(answer.code === "not-found" ? null : answer.error);
        setView((last) => last ?? { state: "done", rows: 0, bytes: 0, totalRows: null, message: null });
        return;
      }
      timer = setTimeout(poll, POLL_MS);
    };
    let timer = setTimeout(poll, 100);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [download.id, running]);

  const counts = view
    ? `${formatCount(view.rows)}${view.totalRows !== null ? ` of ${formatCount(view.totalRows)}` : ""} rows, ${formatBytes(view.bytes)}`
    : "";
  const state = view?.state ?? "running";
  return (
    <div className="download-progress">
      <span role="status">
        {state === "running" && `Downloading ${download.label}… ${counts}`}
        {state === "done" && `Downloaded ${download.label}: ${counts}`}
        {state === "cancelled" && `Download of ${download.label} stopped: ${view?.message ?? ""} ${counts}`}
      </span>
      {state === "failed" && <Alert as="span" inline>{`Download of ${download.label} failed: ${view?.message}`}</Alert>}
      <Alert as="span" inline>
        {problem}
      </Alert>
      {state === "running" ? (
        <button
          type="button"
          onClick={async () => {
            const answer = await cancelDownload(download.id);
            if (answer.ok) setView(answer.data);
            else setProblem(answer.error);
          }}
        >
          Cancel download
        </button>
      ) : (
        <button type="button" className="link" onClick={onDismiss} aria-label={`Dismiss download ${download.label}`}>
          Dismiss
        </button>
      )}
    </div>
  );
}
