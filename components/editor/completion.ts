"use client";

import type { CancellationToken, editor, languages, Position } from "monaco-editor/editor/editor.api";
import { type Candidate, type Candidates, MAX_NAME } from "@/lib/completions";
import { type CompletionContext, completionContext, type Relation } from "@/lib/sql/completion-context";
import type { SqlDialect } from "@/lib/sql/split";
import { readCompletions } from "./completion-reads";
import { monaco } from "./monaco";

/**
 * Completion for the SQL editor that knows the connection's catalog. One
 * provider for the "sql" language serves every editor on the page; each
 * editor says which connection it runs on (`bindCompletion`). The context at
 * the cursor is read here (lib/sql/completion-context.ts); the names come from
 * the server, only those that may stand at the cursor (lib/completions.ts).
 * Nothing is kept in the browser beyond the suggestions shown.
 */

export interface CompletionTarget {
  connectionId: string;
  dialect: SqlDialect;
  /** Where unqualified names resolve (a tab's session place); else the connection's default. */
  place: { catalog: string; schema: string } | null;
}

type CodeEditor = editor.ICodeEditor;

const editors = new Map<CodeEditor, () => CompletionTarget | null>();
let registered = false;

/** Completes in `editorInstance` against the connection `target` names when asked (it may change). */
export function bindCompletion(editorInstance: CodeEditor, target: () => CompletionTarget | null): void {
  if (!registered) {
    registered = true;
    monaco.languages.registerCompletionItemProvider("sql", {
      triggerCharacters: [".", '"', "`"],
      provideCompletionItems,
    });
  }
  editors.set(editorInstance, target);
  editorInstance.onDidDispose(() => editors.delete(editorInstance));
}

function targetOf(model: editor.ITextModel): CompletionTarget | null {
  for (const [instance, target] of editors) if (instance.getModel() === model) return target();
  return null;
}

async function provideCompletionItems(
  model: editor.ITextModel,
  position: Position,
  _context: languages.CompletionContext,
  token: CancellationToken,
): Promise<languages.CompletionList> {
  const target = targetOf(model);
  if (!target) return { suggestions: [] };
  const context = completionContext(model.getValue(), model.getOffsetAt(position), target.dialect);
  if (!context) return { suggestions: [] };
  const abort = new AbortController();
  token.onCancellationRequested(() => abort.abort());
  const answers = await Promise.all(requestsFor(context).map((r) => ask(target, r, context.prefix, abort.signal)));
  const start = model.getPositionAt(context.start);
  const range = new monaco.Range(start.lineNumber, start.column, position.lineNumber, position.column);
  const quote = context.prefix.startsWith('"') || context.prefix.startsWith("`") ? context.prefix[0] : "";
  const seen = new Set<string>();
  const suggestions: languages.CompletionItem[] = [];
  for (const item of answers.flatMap((answer) => answer.items)) {
    const key = `${item.kind}\n${item.label}`;
    if (seen.has(key)) continue;
    seen.add(key);
    suggestions.push(suggestion(item, suggestions.length, range, quote));
  }
  return { suggestions, incomplete: answers.some((answer) => answer.incomplete) };
}

type Request = { kind: "relations" | "columns" | "words"; path: string[] };

/** What to ask the server for at this context. */
function requestsFor(context: CompletionContext): Request[] {
  if (context.kind === "relation") return context.path.length <= 2 ? [{ kind: "relations", path: context.path }] : [];
  if (context.kind === "qualified") {
    const relation = relationNamed(context.relations, context.qualifier);
    if (relation) return [{ kind: "columns", path: relation.path }];
    // `schema.table.` or `catalog.schema.table.` with no alias: its columns.
    return context.qualifier.length <= 3 ? [{ kind: "columns", path: context.qualifier }] : [];
  }
  return [
    ...context.relations.map((relation): Request => ({ kind: "columns", path: relation.path })),
    { kind: "words", path: [] },
  ];
}

/** The table a qualifier names: by its alias, else by its name (or its last parts). */
function relationNamed(relations: Relation[], qualifier: string[]): Relation | null {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (qualifier.length === 1) {
    const aliased = relations.find((r) => r.alias !== null && same(r.alias, qualifier[0]));
    if (aliased) return aliased;
  }
  return (
    relations.find(
      (r) =>
        r.alias === null &&
        r.path.length >= qualifier.length &&
        qualifier.every((part, i) => same(part, r.path[r.path.length - qualifier.length + i])),
    ) ?? null
  );
}

async function ask(
  target: CompletionTarget,
  request: Request,
  prefix: string,
  signal: AbortSignal,
): Promise<Candidates> {
  if (request.path.some((part) => part.length > MAX_NAME)) return { items: [], incomplete: false };
  const typed = (prefix.startsWith('"') || prefix.startsWith("`") ? prefix.slice(1) : prefix).slice(0, MAX_NAME);
  const result = await readCompletions(target.connectionId, { ...request, prefix: typed, place: target.place }, signal);
  // A failed lookup (a warehouse that is down, a connection just removed) offers nothing rather than an error.
  return result.ok ? result.data : { items: [], incomplete: false };
}

const KINDS = {
  catalog: monaco.languages.CompletionItemKind.Module,
  schema: monaco.languages.CompletionItemKind.Folder,
  table: monaco.languages.CompletionItemKind.Struct,
  view: monaco.languages.CompletionItemKind.Interface,
  column: monaco.languages.CompletionItemKind.Field,
  function: monaco.languages.CompletionItemKind.Function,
  keyword: monaco.languages.CompletionItemKind.Keyword,
} satisfies Record<Candidate["kind"], languages.CompletionItemKind>;

/** Names of the catalog first (in the server's order: columns as the table has them), then functions, then keywords. */
const ORDER: Record<Candidate["kind"], string> = {
  column: "0",
  table: "1",
  view: "1",
  schema: "1",
  catalog: "1",
  function: "2",
  keyword: "3",
};

function suggestion(
  item: Candidate,
  index: number,
  range: InstanceType<typeof monaco.Range>,
  quote: string,
): languages.CompletionItem {
  const signature = item.kind === "function" ? item.detail : undefined;
  return {
    label: {
      label: item.label,
      // A function's parameters and result right after its name; a column's type, or what a name is, at the right.
      detail: signature?.startsWith(item.label) ? signature.slice(item.label.length) : undefined,
      description: item.kind === "function" ? undefined : (item.detail ?? item.kind),
    },
    kind: KINDS[item.kind],
    insertText: item.insert,
    // Matched against what was typed: with its opening quote if it has one.
    filterText: quote + item.label,
    sortText: ORDER[item.kind] + String(index).padStart(6, "0"),
    detail: signature,
    documentation: item.documentation,
    range,
  };
}
