"use client";

import dynamic from "next/dynamic";

/** Two versions of SQL side by side (Monaco's diff editor), loaded lazily like the editor. */
export const SqlDiff = dynamic(() => import("./MonacoSqlDiff").then((m) => m.MonacoSqlDiff), {
  ssr: false,
  loading: () => <div className="editor-loading">Loading comparison…</div>,
});
