"use client";

import { useId, useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { exportUrl } from "@/lib/exports/client";
import { EXPORT_FORMATS, type ExportFormat, FORMAT_INFO, isExportFormat } from "@/lib/exports/formats";
import { DownloadProgress } from "./DownloadProgress";
import { useDownloads } from "./useDownloads";

/**
 * "Download every row as …": a form POST, because the download runs the query
 * again (the route refuses GET for it, so no link, <img> or prefetch can start
 * it). The answer goes to a hidden frame: the file becomes a download and the
 * page stays; a refusal (server busy, not yours) is read from the frame and
 * shown. The download's id goes with it, so its progress shows and it can be
 * cancelled.
 */
export function DownloadAllRows({ runId }: { runId: string }) {
  const frame = `download-${useId()}`;
  const [problem, setProblem] = useState<string | null>(null);
  const [format, setFormat] = useState<ExportFormat>("csv");
  const { downloads, start, dismiss } = useDownloads();
  const options = { format, bom: false, safe: false };
  const label = FORMAT_INFO[format].label;
  return (
    <>
      <form
        className="inline-form"
        method="post"
        action={exportUrl(runId, options, { all: true })}
        target={frame}
        onSubmit={(event) => {
          setProblem(null);
          const form = event.currentTarget;
          // The form is sent after this handler, to the address it has then.
          start(`every row as ${label}`, (id) => {
            form.action = exportUrl(runId, options, { all: true, downloadId: id });
          });
        }}
      >
        <button type="submit" className="link">
          Download every row as {label}
        </button>{" "}
        <select
          aria-label="Format of every row"
          value={format}
          onChange={(event) => {
            const value = event.currentTarget.value;
            if (isExportFormat(value)) setFormat(value);
          }}
        >
          {EXPORT_FORMATS.map((f) => (
            <option key={f} value={f}>
              {FORMAT_INFO[f].label}
            </option>
          ))}
        </select>
        <iframe
          name={frame}
          title="Download every row"
          hidden
          onLoad={(event) => {
            const text = event.currentTarget.contentDocument?.body?.textContent?.trim();
            if (text) setProblem(text);
          }}
        />
        <Alert as="span" inline>
          {problem && ` ${problem}`}
        </Alert>
      </form>
      {downloads.map((d) => (
        <DownloadProgress key={d.id} download={d} onDismiss={() => dismiss(d.id)} />
      ))}
    </>
  );
}
