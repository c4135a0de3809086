"use client";

import { useRouter } from "next/navigation";
import { useDeferredValue, useMemo, useRef, useState } from "react";
import { ParameterBar, parameterProblem } from "@/components/editor/ParameterBar";
import { cellPython } from "@/components/python/targets";
import { UsePythonDialog, type UsePythonProps } from "@/components/python/UsePythonDialog";
import { ShareDialog } from "@/components/sharing/ShareDialog";
import { Alert } from "@/components/ui/Alert";
import { useAction } from "@/components/ui/use-action";
import { ConflictDialog } from "@/components/workbench/ConflictDialog";
import { type QueryDetails, QueryDetailsDialog } from "@/components/workbench/QueryDetailsDialog";
import { failed } from "@/lib/action-result";
import { cellToQueryAction, createNotebookAction } from "@/lib/actions/notebooks";
import type { ConnectionView } from "@/lib/connections";
import {
  changeKind,
  duplicateCell,
  insertCell,
  moveCell,
  newCell,
  removeCell,
  updateCell,
} from "@/lib/notebooks/cells";
import { exportNotebook } from "@/lib/notebooks/formats";
import type { CellKind, NotebookCell, NotebookView } from "@/lib/notebooks/types";
import { atLeast, LEVEL_LABELS } from "@/lib/sharing";
import { findParameters, markerText, type ParameterSpec, specsFor } from "@/lib/sql/parameters";
import type { SqlDialect } from "@/lib/sql/split";
import type { CellCommand } from "./CellMenu";
import { CellView } from "./CellView";
import { NotebookBar } from "./NotebookBar";
import { QueryPicker } from "./QueryPicker";
import { useCellRuns } from "./useCellRuns";
import { useCommandKeys } from "./useCommandKeys";
import { contentOf, useNotebookSave } from "./useNotebookSave";
import "./notebook.css";

/** A notebook: its bar (title, connection, run all, sharing, export) and its cells. */
export function NotebookEditor({ initial, connections }: { initial: NotebookView; connections: ConnectionView[] }) {
  const router = useRouter();
  const [view, setView] = useState(initial);
  const canEdit = atLeast(view.level, "edit");
  const canRun = atLeast(view.level, "run");
  const save = useNotebookSave(initial, canEdit, setView);
  const { content, edit } = save;
  const [selected, setSelected] = useState<{ id: string | null; editing: boolean }>({ id: null, editing: false });
  const [dialog, setDialog] = useState<"share" | "query" | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [conflictHidden, setConflictHidden] = useState(false);
  const [toQuery, setToQuery] = useState<{ cell: NotebookCell; index: number } | null>(null);
  const [python, setPython] = useState<UsePythonProps | null>(null);
  const toQueryCall = useAction();
  // Notebook-level parameters: one widget per `:name` of any SQL cell, shared by every cell. Who can edit
  // saves types and values with the notebook; who can only run changes the values for their own runs.
  const dialectOf = (cell: NotebookCell): SqlDialect =>
    connections.find((c) => c.id === (cell.connectionId ?? content.connectionId))?.dialect ?? "duckdb";
  const shownContent = useDeferredValue(content);
  const names = useMemo(
    () => [
      ...new Set(
        shownContent.cells.flatMap((cell) =>
          cell.kind === "sql"
            ? findParameters(
                cell.source,
                connections.find((c) => c.id === (cell.connectionId ?? shownContent.connectionId))?.dialect ?? "duckdb",
              )
            : [],
        ),
      ),
    ],
    [shownContent, connections],
  );
  const [ownValues, setOwnValues] = useState<ParameterSpec[]>(initial.parameters ?? []);
  const kept = canEdit ? (content.parameters ?? []) : ownValues;
  const specs = useMemo(() => specsFor(names, kept), [names, kept]);
  const [shownProblems, setShownProblems] = useState<ReadonlySet<string>>(new Set());
  const latest = useRef({ content, kept });
  latest.current = { content, kept };
  const runs = useCellRuns({
    saveFirst: () => (canEdit ? save.saveNow() : Promise.resolve(true)),
    onProblem: setNotice,
    parametersFor: (id) => {
      const cell = latest.current.content.cells.find((c) => c.id === id);
      if (cell?.kind !== "sql") return [];
      const needed = specsFor(findParameters(cell.source, dialectOf(cell)), latest.current.kept);
      const wrong = needed.filter((spec) => parameterProblem(spec) !== null);
      setShownProblems(new Set(wrong.map((spec) => spec.name)));
      return wrong.length > 0
        ? { problem: `Parameter ${markerText(wrong[0].name)}: ${parameterProblem(wrong[0])}` }
        : needed;
    },
  });
  const runMany = (scope: "all" | "above" | "below", fromId?: string) => {
    if (canRun) void runs.runMany(content.cells, scope, fromId);
  };

  const setCells = (change: (cells: NotebookCell[]) => NotebookCell[]) =>
    edit((c) => ({ ...c, cells: change(c.cells) }));

  const add = (kind: CellKind, index: number, source = "", connectionId: string | null = null) => {
    const cell = { ...newCell(kind, source), connectionId };
    setCells((cells) => insertCell(cells, index, cell));
    setSelected({ id: cell.id, editing: true });
    return cell;
  };

  const runOne = (cell: NotebookCell, advance: boolean) => {
    if (cell.kind === "sql") {
      if (!canRun) return setNotice(`You have ${LEVEL_LABELS[view.level]} on this notebook; running needs Can run.`);
      void runs.runCell(cell.id);
    }
    if (!advance) return setSelected({ id: cell.id, editing: cell.kind === "sql" && selected.editing });
    const index = content.cells.findIndex((c) => c.id === cell.id);
    const next = content.cells[index + 1];
    if (next) setSelected({ id: next.id, editing: next.kind === "sql" && canEdit });
    else if (canEdit) add("sql", index + 1);
  };

  const command = async (cell: NotebookCell, what: CellCommand) => {
    const index = content.cells.findIndex((c) => c.id === cell.id);
    if (what === "up" || what === "down") setCells((cells) => moveCell(cells, cell.id, what === "up" ? -1 : 1));
    else if (what === "duplicate") setCells((cells) => duplicateCell(cells, cell.id));
    else if (what === "delete") {
      if (cell.source.trim() && !window.confirm(`Delete cell ${index + 1}?`)) return;
      runs.cancelCell(cell.id);
      setCells((cells) => removeCell(cells, cell.id));
      const next = content.cells[index + 1] ?? content.cells[index - 1];
      setSelected({ id: next?.id ?? null, editing: false });
    } else if (what === "addAbove") add("sql", index);
    else if (what === "addBelow") add("sql", index + 1);
    else if (what === "runAbove") runMany("above", cell.id);
    else if (what === "runBelow") runMany("below", cell.id);
    else if (what === "python") setPython(cellPython(cell, index, content, connections, kept));
    else if (what === "toQuery") {
      toQueryCall.setError(null);
      setToQuery({ cell, index });
    }
  };

  /** A cell's saved SQL becomes a saved query of the user's own, opened in the editor. */
  const saveAsQuery = async (details: QueryDetails) => {
    if (!toQuery) return;
    const cellId = toQuery.cell.id;
    const result = await toQueryCall.run(
      async () => {
        if (canEdit && !(await save.saveNow()))
          return failed("Save the notebook before turning a cell into a query.", "conflict");
        return cellToQueryAction({ notebookId: view.id, cellId, ...details });
      },
      { keepPending: true },
    );
    if (result?.ok) router.push(`/queries/${result.data.id}`);
  };

  const onKeyDown = useCommandKeys({
    cells: content.cells,
    canEdit,
    select: setSelected,
    add: (kind, index) => add(kind, index),
    run: (cell, advance) => runOne(cell, advance),
    changeKind: (cell, kind) => setCells((cells) => changeKind(cells, cell.id, kind)),
  });

  const conflict = save.status.kind === "conflict" ? save.status.theirs : null;
  // Both versions as one text to compare: title, connection, then the cells as a .sql file shows them.
  const asText = (c: Parameters<typeof exportNotebook>[0]) =>
    `-- Title: ${c.title}\n-- Connection: ${connections.find((x) => x.id === c.connectionId)?.name ?? c.connectionId}\n${exportNotebook(c, "sql").text}`;

  return (
    <main className="notebook-page">
      <NotebookBar
        view={view}
        content={content}
        connections={connections}
        status={save.status}
        canEdit={canEdit}
        canRun={canRun}
        runningAll={runs.runningAll}
        onTitle={(title) => edit((c) => ({ ...c, title }))}
        onConnection={(connectionId) => edit((c) => ({ ...c, connectionId }))}
        onRunAll={() => runMany("all")}
        onCancelAll={runs.cancelAll}
        onShare={() => setDialog("share")}
        onAddQuery={() => setDialog("query")}
        onResolve={() => setConflictHidden(false)}
      />
      <Alert className="notebook-notice">{notice}</Alert>
      <ParameterBar
        specs={specs}
        onChange={(next) => {
          if (canEdit) edit((c) => ({ ...c, parameters: next }));
          else setOwnValues(next);
          setShownProblems(new Set());
        }}
        canEditTypes={canEdit}
        canChangeValues={canRun}
        shown={shownProblems}
      />
      {/* biome-ignore lint/a11y/noStaticElementInteractions: notebook command-mode keys (A, B, Enter, arrows) act on the focused cell */}
      <div className="cells" onKeyDown={onKeyDown}>
        {content.cells.length === 0 && <p className="muted">This notebook has no cells yet.</p>}
        {content.cells.map((cell, index) => (
          <CellView
            key={cell.id}
            notebookId={view.id}
            cell={cell}
            index={index}
            defaultConnectionId={content.connectionId}
            connections={connections}
            canEdit={canEdit}
            canRun={canRun}
            selected={selected.id === cell.id}
            editing={selected.id === cell.id && selected.editing}
            lastRun={initial.lastRuns[cell.id]}
            onChange={(change) =>
              setCells((cells) =>
                change.kind ? changeKind(cells, cell.id, change.kind) : updateCell(cells, cell.id, change),
              )
            }
            onSelect={(editing) => setSelected({ id: cell.id, editing })}
            onRun={(advance) => runOne(cell, advance)}
            onCommand={(what) => void command(cell, what)}
            registerRunner={runs.registerRunner}
          />
        ))}
        {canEdit && (
          <div className="add-cells">
            <button type="button" onClick={() => add("sql", content.cells.length)}>
              + SQL cell
            </button>
            <button type="button" onClick={() => add("markdown", content.cells.length)}>
              + Markdown cell
            </button>
          </div>
        )}
      </div>
      {dialog === "share" && (
        <ShareDialog
          kind="notebook"
          id={view.id}
          ownerName={view.isOwner ? `${view.ownerName} (you)` : view.ownerName}
          canManage={view.level === "manage"}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === "query" && (
        <QueryPicker
          onPick={(query) => {
            setDialog(null);
            const at = content.cells.findIndex((c) => c.id === selected.id);
            add("sql", at < 0 ? content.cells.length : at + 1, query.sql, query.connectionId);
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {python && <UsePythonDialog {...python} onClose={() => setPython(null)} />}
      {toQuery && (
        <QueryDetailsDialog
          heading="Save the cell as a query"
          initial={{
            title: `${content.title} – cell ${toQuery.index + 1}`,
            description: `From the notebook "${content.title}".`,
          }}
          busy={toQueryCall.pending}
          error={toQueryCall.error}
          onSubmit={(details) => void saveAsQuery(details)}
          onClose={() => setToQuery(null)}
        />
      )}
      {conflict && !conflictHidden && (
        <ConflictDialog
          noun="notebook"
          conflict={{
            version: conflict.version,
            updatedByName: conflict.updatedByName,
            updatedAt: conflict.updatedAt,
            sql: asText(contentOf(conflict)),
          }}
          mine={asText(content)}
          busy={false}
          onClose={() => setConflictHidden(true)}
          onChoose={async (choice) => {
            if (choice === "reload") {
              // Their version, with their cells' results, comes with the page.
              save.dropBackup();
              return window.location.reload();
            }
            if (choice === "overwrite") return void save.overwrite(conflict);
            const copy = await createNotebookAction({ ...content, title: `${content.title} (my copy)` });
            if (!copy.ok) return setNotice(copy.error);
            save.dropBackup();
            window.location.assign(`/notebooks/${copy.data.id}`);
          }}
        />
      )}
    </main>
  );
}
