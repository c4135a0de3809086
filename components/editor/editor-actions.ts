"use client";

import type { SqlDialect } from "@/lib/sql/split";
import { statementAt } from "@/lib/sql/statement-at";
import { formatInWorker } from "./format-client";
import type { RunRequest } from "./MonacoSqlEditor";
import { monaco } from "./monaco";

type CodeEditor = monaco.editor.IStandaloneCodeEditor;

export interface EditorActions {
  /** Formats the selection, or the whole text (Ctrl/Cmd+Shift+F). */
  format(): Promise<void>;
}

/** How long the statement run with Ctrl/Cmd+Shift+Enter stays highlighted. */
const FLASH_MS = 1000;

/**
 * The editor's own commands beyond running everything and saving: format
 * (in the connection's dialect, read when the key is pressed) and, where the
 * editor runs what it is given, run the statement under the cursor.
 */
export function addEditorActions(
  editor: CodeEditor,
  options: {
    dialect(): SqlDialect;
    runStatement?(request: RunRequest): void;
    /** Where a refusal is said (null: the last one no longer holds); Monaco's message at the cursor without it. */
    notice?(message: string | null): void;
  },
): EditorActions {
  const say = (message: string) => (options.notice ? options.notice(message) : showMessage(editor, message));
  const format = async () => {
    const model = editor.getModel();
    if (!model || editor.getOption(monaco.editor.EditorOption.readOnly)) return;
    const selection = editor.getSelection();
    const whole = !selection || selection.isEmpty();
    const range = whole ? model.getFullModelRange() : selection;
    const before = model.getValueInRange(range);
    const version = model.getVersionId();
    // In a worker, loaded on first use: sql-formatter is neither in the editor's bundle nor on the page's thread.
    const result = await formatInWorker(before, options.dialect());
    editor.focus();
    // Typed into meanwhile: the formatted text is of an older one.
    if (model.isDisposed() || model.getVersionId() !== version) return;
    if (!result.ok) {
      say(result.message);
      return;
    }
    options.notice?.(null);
    if (result.text === before) return;
    // One edit between two undo stops: Ctrl/Cmd+Z brings the text back in one step.
    editor.pushUndoStop();
    editor.executeEdits("lakebook.format", [{ range, text: result.text }], (inverse) => {
      // The inverse edit's range is where the formatted text now is.
      const r = inverse[0]?.range;
      if (!r) return null;
      return [
        whole
          ? new monaco.Selection(r.startLineNumber, r.startColumn, r.startLineNumber, r.startColumn)
          : new monaco.Selection(r.startLineNumber, r.startColumn, r.endLineNumber, r.endColumn),
      ];
    });
    editor.pushUndoStop();
  };

  editor.addAction({
    id: "lakebook.format",
    label: "Format SQL",
    keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyMod.Shift | monaco.KeyCode.KeyF],
    precondition: "!editorReadonly",
    run: () => format(),
  });

  const { runStatement } = options;
  if (runStatement)
    editor.addAction({
      id: "lakebook.runStatement",
      label: "Run the statement under the cursor",
      // Replaces Monaco's "insert line above" on these keys, as Databricks' editor does.
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyMod.Shift | monaco.KeyCode.Enter],
      run: (ed) => {
        const model = ed.getModel();
        const position = ed.getPosition();
        if (!model || !position) return;
        const statement = statementAt(model.getValue(), model.getOffsetAt(position), options.dialect());
        if (!statement) {
          say("There is no statement here to run.");
          return;
        }
        const start = model.getPositionAt(statement.offset);
        const end = model.getPositionAt(statement.offset + statement.text.length);
        const flash = ed.createDecorationsCollection([
          {
            range: monaco.Range.fromPositions(start, end),
            options: { className: "run-statement-flash" },
          },
        ]);
        setTimeout(() => flash.clear(), FLASH_MS);
        runStatement({ sql: statement.text, startLine: start.lineNumber, startColumn: start.column });
      },
    });

  return { format };
}

/** Monaco's own small message at the cursor (the one a read-only editor shows); screen readers hear it. */
function showMessage(editor: monaco.editor.ICodeEditor, message: string): void {
  const controller = editor.getContribution("editor.contrib.messageController") as {
    showMessage(message: string, position: monaco.IPosition): void;
  } | null;
  const position = editor.getPosition();
  if (controller && position) controller.showMessage(message, position);
}
