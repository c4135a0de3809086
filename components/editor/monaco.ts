"use client";

import { loader } from "@monaco-editor/react";
import * as monaco from "monaco-editor/editor/editor.api";
import "monaco-editor/features/register.all";
import "monaco-editor/languages/definitions/sql/register";

/**
 * Monaco from the installed package, never from a CDN: @monaco-editor/react
 * would otherwise fetch another copy from the internet. Only the editor core,
 * its standard features and the SQL language are bundled.
 */
declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

if (typeof window !== "undefined") {
  window.MonacoEnvironment = {
    getWorker: () => new Worker(new URL("monaco-editor/editor/editor.worker.js", import.meta.url), { type: "module" }),
  };
  loader.config({ monaco });
}

export { monaco };
