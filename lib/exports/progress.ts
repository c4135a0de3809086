/** What the browser learns of a download in progress (GET /api/downloads/<id>). */
export interface DownloadProgressView {
  state: "running" | "done" | "failed" | "cancelled";
  /** Rows written so far (of the files sent, for the segmented formats). */
  rows: number;
  /** Bytes sent so far. */
  bytes: number;
  /** Rows the download will have, when known before it ends. */
  totalRows: number | null;
  /** Why it failed, or was stopped. */
  message: string | null;
}

/** A download's id, made by the page that starts it: random, so only its own page knows it. */
export const DOWNLOAD_ID = /^[A-Za-z0-9_-]{16,64}$/;
