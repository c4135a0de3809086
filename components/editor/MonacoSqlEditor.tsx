"use client";

import Editor, { type OnMount } from "@monaco-editor/react";
import { type Ref, useEffect, useImperativeHandle, useRef, useState } from "react";
import type { SqlDialect } from "@/lib/sql/split";
import { bindCompletion } from "./completion";
import { addEditorActions, type EditorActions } from "./editor-actions";
import { monaco } from "./monaco";
import { bindSyntaxCheck } from "./syntax";

export interface EditorHandle {
  /** Inserts text at the cursor (replacing the selection) and focuses the editor. */
  insert(text: string): void;
  focus(): void;
  /** Formats the selection, or the whole text (as Ctrl/Cmd+Shift+F). */
  format(): void;
}

/** What to run: the selection if there is one, else the whole text, and where it starts. */
export interface RunRequest {
  sql: string;
  startLine: number;
  startColumn: number;
}

export interface ErrorMarker {
  message: string;
  line: number;
  column: number;
}

export interface SqlEditorProps {
  value: string;
  onChange(value: string): void;
  onRun(request: RunRequest): void;
  marker: ErrorMarker | null;
  handle?: Ref<EditorHandle>;
  /** Ctrl/Cmd+S. */
  onSave?(): void;
  readOnly?: boolean;
  /** Shift+Enter (a notebook runs the cell and moves on). */
  onShiftEnter?(): void;
  /** Escape, when no widget of the editor is open (a notebook leaves the cell). */
  onEscape?(): void;
  /** Takes the focus when it appears (default true). */
  autoFocus?: boolean;
  /** Grows with its text between these heights in pixels instead of filling its box. */
  fitContent?: { min: number; max: number };
  ariaLabel?: string;
  readOnlyMessage?: string;
  /** The connection the text runs on, for completion of its catalog's names (none without it). */
  connectionId?: string | null;
  /** Where the text's unqualified table names resolve (a tab's session place), if known. */
  place?: { catalog: string; schema: string } | null;
  /** The connection's SQL dialect, for formatting and finding statements (default DuckDB). */
  dialect?: SqlDialect;
  /** Ctrl/Cmd+Shift+Enter runs the statement under the cursor (for an editor whose `onRun` runs what it is given). */
  runStatement?: boolean;
  /** Why a format or a statement run did nothing (null once it no longer holds); else said at the cursor. */
  onNotice?(message: string | null): void;
}

type CodeEditor = Parameters<OnMount>[0];

export function MonacoSqlEditor({
  value,
  onChange,
  onRun,
  marker,
  handle,
  onSave,
  readOnly,
  onShiftEnter,
  onEscape,
  autoFocus = true,
  fitContent,
  ariaLabel = "SQL editor",
  readOnlyMessage = "You cannot change this query. Open a copy to edit and run your own version.",
  connectionId = null,
  place = null,
  dialect = "duckdb",
  runStatement = false,
  onNotice,
}: SqlEditorProps) {
  const editorRef = useRef<CodeEditor | null>(null);
  const completionRef = useRef({ connectionId, place });
  completionRef.current = { connectionId, place };
  const onRunRef = useRef(onRun);
  onRunRef.current = onRun;
  const onSaveRef = useRef(onSave);
  onSaveRef.current = onSave;
  const keysRef = useRef({ onShiftEnter, onEscape });
  keysRef.current = { onShiftEnter, onEscape };
  const dialectRef = useRef(dialect);
  dialectRef.current = dialect;
  const onNoticeRef = useRef(onNotice);
  onNoticeRef.current = onNotice;
  const actionsRef = useRef<EditorActions | null>(null);
  const recheckRef = useRef<(() => void) | null>(null);
  const [height, setHeight] = useState(fitContent?.min ?? 0);
  // The editor owns its text while the user types; `value` is pushed in only
  // when it changes from outside (a restored version, their version reloaded).
  // The parent's `value` echoes what the editor emitted, but late: keys typed
  // between a render and its effect were already emitted after it. Echoes
  // arrive in order, so a `value` found among the texts emitted and not yet
  // echoed is an echo (that one and the older ones are dropped); anything
  // else comes from outside. (Comparing with the last text emitted alone
  // dropped characters of fast typing: a late echo replaced the newer text.)
  const unechoed = useRef<string[]>([]);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor) return;
    const echoed = unechoed.current.indexOf(value);
    if (echoed !== -1) {
      unechoed.current.splice(0, echoed + 1);
      return;
    }
    unechoed.current = [];
    if (value === editor.getValue()) return;
    const model = editor.getModel();
    // An edit operation (not setValue) so that Undo brings the user's text back.
    model?.pushEditOperations([], [{ range: model.getFullModelRange(), text: value }], () => null);
  }, [value]);

  useImperativeHandle(handle, () => ({
    insert(text) {
      const editor = editorRef.current;
      if (!editor) return;
      const selection = editor.getSelection();
      if (selection) editor.executeEdits("schema-browser", [{ range: selection, text, forceMoveMarkers: true }]);
      editor.focus();
    },
    focus() {
      editorRef.current?.focus();
    },
    format() {
      void actionsRef.current?.format();
    },
  }));

  // Another connection reads the text with another parser (or none).
  // biome-ignore lint/correctness/useExhaustiveDependencies: recheck when these change
  useEffect(() => recheckRef.current?.(), [connectionId, dialect]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(
      model,
      "lakebook",
      marker
        ? [
            {
              severity: monaco.MarkerSeverity.Error,
              message: marker.message,
              startLineNumber: marker.line,
              startColumn: marker.column,
              endLineNumber: marker.line,
              endColumn:
                model.getWordAtPosition({ lineNumber: marker.line, column: marker.column })?.endColumn ??
                marker.column + 1,
            },
          ]
        : [],
    );
    if (marker) editorRef.current?.revealLineInCenterIfOutsideViewport(marker.line);
  }, [marker]);

  const onMount: OnMount = (editor) => {
    editorRef.current = editor;
    // Running closes the suggestions: the list of what to type next is no use once the text runs.
    const run = (request: RunRequest) => {
      editor.trigger("lakebook", "hideSuggestWidget", null);
      onRunRef.current(request);
    };
    bindCompletion(editor, () => {
      const { connectionId, place } = completionRef.current;
      return connectionId ? { connectionId, place, dialect: dialectRef.current } : null;
    });
    if (!readOnly)
      recheckRef.current = bindSyntaxCheck(editor, () => {
        const { connectionId } = completionRef.current;
        return connectionId ? { connectionId, dialect: dialectRef.current } : null;
      });
    editor.addAction({
      id: "lakebook.run",
      label: "Run query",
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter],
      run: (ed) => {
        const model = ed.getModel();
        const selection = ed.getSelection();
        if (!model) return;
        if (selection && !selection.isEmpty()) {
          run({
            sql: model.getValueInRange(selection),
            startLine: selection.startLineNumber,
            startColumn: selection.startColumn,
          });
        } else {
          run({ sql: model.getValue(), startLine: 1, startColumn: 1 });
        }
      },
    });
    editor.addAction({
      id: "lakebook.save",
      label: "Save query",
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS],
      run: () => onSaveRef.current?.(),
    });
    actionsRef.current = addEditorActions(editor, {
      dialect: () => dialectRef.current,
      runStatement: runStatement ? run : undefined,
      notice: onNotice ? (message) => onNoticeRef.current?.(message) : undefined,
    });
    if (keysRef.current.onShiftEnter)
      editor.addAction({
        id: "lakebook.runAndAdvance",
        label: "Run cell and go to the next",
        keybindings: [monaco.KeyMod.Shift | monaco.KeyCode.Enter],
        run: () => keysRef.current.onShiftEnter?.(),
      });
    if (keysRef.current.onEscape)
      editor.addAction({
        id: "lakebook.leave",
        label: "Leave the cell",
        keybindings: [monaco.KeyCode.Escape],
        // Escape first closes Monaco's own widgets (suggestions, find).
        precondition: "!suggestWidgetVisible && !findWidgetVisible && !parameterHintsVisible && !inSnippetMode",
        run: () => keysRef.current.onEscape?.(),
      });
    if (fitContent) {
      const fitHeight = () => setHeight(Math.min(fitContent.max, Math.max(fitContent.min, editor.getContentHeight())));
      editor.onDidContentSizeChange(fitHeight);
      fitHeight();
    }
    if (autoFocus) editor.focus();
  };

  return (
    <Editor
      height={fitContent ? height : undefined}
      defaultValue={value}
      language="sql"
      theme="vs"
      onChange={(next) => {
        const text = next ?? "";
        // Bounded, for a parent that echoes rarely: only the latest texts can still come back.
        if (unechoed.current.push(text) > 64) unechoed.current.shift();
        onChange(text);
      }}
      onMount={onMount}
      options={{
        ariaLabel,
        minimap: { enabled: false },
        fontSize: 14,
        scrollBeyondLastLine: false,
        automaticLayout: true,
        wordWrap: "off",
        tabSize: 2,
        renderLineHighlight: "line",
        fixedOverflowWidgets: true,
        readOnly,
        readOnlyMessage: { value: readOnlyMessage },
        ...(fitContent ? { scrollbar: { alwaysConsumeMouseWheel: false } } : {}),
      }}
    />
  );
}
