"use client";

import type { editor } from "monaco-editor/editor/editor.api";
import type { ActionResult } from "@/lib/action-result";
import type { SqlDialect } from "@/lib/sql/split";
import { MAX_SYNTAX_CHECK_BYTES, type SyntaxCheck, syntaxUrl } from "@/lib/syntax";
import { monaco } from "./monaco";

/** The markers' owner: the run's own error marker ("lakebook") is kept apart. */
const OWNER = "lakebook-syntax";
/** A pause in typing this long asks the server. */
const PAUSE_MS = 600;

export interface SyntaxTarget {
  connectionId: string;
  dialect: SqlDialect;
}

/**
 * Underlines the first syntax error of the editor's text as the connection's
 * engine reads it, a moment after typing pauses (lib/syntax.ts). Only the
 * built-in warehouse's dialect is checked: Databricks has no parse-only call.
 * An answer for an older text is dropped; a newer pause aborts the request.
 * Returns `recheck`, for when the connection changes.
 */
export function bindSyntaxCheck(codeEditor: editor.ICodeEditor, target: () => SyntaxTarget | null): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: AbortController | null = null;

  const clear = () => {
    const model = codeEditor.getModel();
    if (model) monaco.editor.setModelMarkers(model, OWNER, []);
  };

  const check = async () => {
    pending?.abort();
    pending = null;
    const model = codeEditor.getModel();
    const to = target();
    if (!model || !to || to.dialect !== "duckdb") return clear();
    const text = model.getValue();
    // UTF-16 length is at most the UTF-8 length: skip the encoding for texts surely too long.
    if (text.length > MAX_SYNTAX_CHECK_BYTES || new TextEncoder().encode(text).length > MAX_SYNTAX_CHECK_BYTES)
      return clear();
    if (text.trim() === "") return clear();
    const version = model.getVersionId();
    const controller = new AbortController();
    pending = controller;
    let result: ActionResult<SyntaxCheck>;
    try {
      const response = await fetch(syntaxUrl(to.connectionId), {
        method: "POST",
        headers: { "Content-Type": "text/plain;charset=UTF-8", Accept: "application/json" },
        credentials: "same-origin",
        body: text,
        signal: controller.signal,
      });
      result = (await response.json()) as ActionResult<SyntaxCheck>;
    } catch {
      // Aborted by a newer pause, or the server is away: the run will say what is wrong.
      return;
    }
    if (pending === controller) pending = null;
    if (model.isDisposed() || model.getVersionId() !== version) return;
    const problem = result.ok ? result.data.problem : null;
    if (!problem || problem.offset === null) return clear();
    const at = model.getPositionAt(problem.offset);
    const word = model.getWordAtPosition(at);
    monaco.editor.setModelMarkers(model, OWNER, [
      {
        severity: monaco.MarkerSeverity.Error,
        message: problem.message,
        startLineNumber: at.lineNumber,
        startColumn: at.column,
        endLineNumber: at.lineNumber,
        endColumn: word && word.startColumn <= at.column ? word.endColumn : at.column + 1,
      },
    ]);
  };

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void check(), PAUSE_MS);
  };
  const changed = codeEditor.onDidChangeModelContent(schedule);
  codeEditor.onDidDispose(() => {
    clearTimeout(timer);
    pending?.abort();
    changed.dispose();
  });
  schedule();
  return schedule;
}
