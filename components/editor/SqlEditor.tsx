"use client";

import dynamic from "next/dynamic";
import type { EditorHandle, SqlEditorProps } from "./MonacoSqlEditor";

export type { EditorHandle, SqlEditorProps };

/** The Monaco editor, loaded lazily in the browser only (it is ~1 MB). */
export const SqlEditor = dynamic(() => import("./MonacoSqlEditor").then((m) => m.MonacoSqlEditor), {
  ssr: false,
  loading: () => <div className="editor-loading">Loading editor…</div>,
});
