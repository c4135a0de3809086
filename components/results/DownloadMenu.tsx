"use client";

import { useState } from "react";
import { exportUrl } from "@/lib/exports/client";
import { EXPORT_FORMATS, type ExportFormat, FORMAT_INFO, XLSX_MAX_ROWS } from "@/lib/exports/formats";
import { isFiltered, type ResultFilter } from "@/lib/results/filters";
import { formatCount } from "@/lib/results/format";
import type { SortSpec } from "@/lib/results/types";
import { DownloadProgress } from "./DownloadProgress";
import { browserDownload, useDownloads } from "./useDownloads";

/**
 * The results panel's downloads of the stored result: "Download CSV" at hand,
 * the other formats and CSV's two options under "More formats". Each is a
 * real link (it works without script, or saved with the context menu); a
 * click starts it with a download id so the panel shows its progress and can
 * cancel it.
 */
export function DownloadMenu({
  runId,
  rowCount,
  view = null,
}: {
  runId: string;
  rowCount: number;
  /** What the grid shows, when it is filtered or sorted: offered as "this view" beside the whole result. */
  view?: { filter: ResultFilter; sort: SortSpec | null; rows: number | null } | null;
}) {
  const [bom, setBom] = useState(false);
  const [safe, setSafe] = useState(false);
  const [whole, setWhole] = useState(false);
  const { downloads, start, dismiss } = useDownloads();
  const viewing = view !== null && (isFiltered(view.filter) || view.sort !== null);
  const chosen = viewing && !whole ? view : null;
  const rows = chosen ? (chosen.rows ?? rowCount) : rowCount;
  const tooManyForExcel = rows > XLSX_MAX_ROWS;

  const link = (format: ExportFormat, className?: string) => {
    const options = { format, bom: bom && textual(format), safe: safe && textual(format) };
    const href = exportUrl(runId, options, { view: chosen });
    const label = FORMAT_INFO[format].label;
    return (
      <a
        key={format}
        className={className}
        href={href}
        download
        onClick={(event) => {
          event.preventDefault();
          // The menu closes once a format is chosen; the download's progress shows beside it.
          event.currentTarget.closest("details")?.removeAttribute("open");
          start(label, (id) => browserDownload(exportUrl(runId, options, { downloadId: id, view: chosen })));
        }}
      >
        Download {label}
      </a>
    );
  };

  return (
    <div className="download-menu">
      {link("csv", "button")}
      <details>
        <summary>More formats</summary>
        <div className="download-menu-items">
          {viewing && view && (
            <fieldset className="download-scope">
              <legend className="sr-only">Which rows</legend>
              <label>
                <input type="radio" name="scope" checked={!whole} onChange={() => setWhole(false)} /> This{" "}
                {isFiltered(view.filter) ? "filtered" : "sorted"} view
                {view.rows !== null ? ` (${formatCount(view.rows)} rows)` : ""}
              </label>
              <label>
                <input type="radio" name="scope" checked={whole} onChange={() => setWhole(true)} /> The whole result (
                {formatCount(rowCount)} rows)
              </label>
            </fieldset>
          )}
          {EXPORT_FORMATS.filter((f) => f !== "csv" && !(f === "xlsx" && tooManyForExcel)).map((f) => link(f))}
          {tooManyForExcel && (
            <p className="muted">
              Excel holds at most {formatCount(XLSX_MAX_ROWS)} rows; this result has {formatCount(rowCount)}. Download
              CSV, Parquet or NDJSON for every row.
            </p>
          )}
          <label>
            <input type="checkbox" checked={bom} onChange={(e) => setBom(e.currentTarget.checked)} /> CSV and TSV: add a
            byte-order mark (Excel then reads accents and other scripts right)
          </label>
          <label>
            <input type="checkbox" checked={safe} onChange={(e) => setSafe(e.currentTarget.checked)} /> CSV and TSV:
            spreadsheet-safe cells (text starting with = + - @ gets a leading ')
          </label>
        </div>
      </details>
      {downloads.map((d) => (
        <DownloadProgress key={d.id} download={d} onDismiss={() => dismiss(d.id)} />
      ))}
    </div>
  );
}

function textual(format: ExportFormat): boolean {
  return format === "csv" || format === "tsv";
}
