import "server-only";
import { randomUUID } from "node:crypto";
import { notFoundError, UserError } from "@/lib/action-result";
import { exportNotebook, importNotebookSteps } from "@/lib/notebooks/formats";
import type { CellRun, NotebookConflict, NotebookContent, NotebookListItem, NotebookView } from "@/lib/notebooks/types";
import type { Page, RunView } from "@/lib/results/types";
import type { Level } from "@/lib/sharing";
import type { ParameterSpec } from "@/lib/sql/parameters";
import { runStepsSliced } from "@/lib/steps";
import { findAuthorized, listedLevel } from "./auth/permissions";
import { listConnections, requireConnection } from "./connections";
import { engineFor } from "./connections/engines";
import {
  cellsOf,
  deleteNotebook,
  findCell,
  findNotebook,
  foreignCellIds,
  insertNotebook,
  listNotebooks,
  setCellRun,
  updateNotebookIfVersion,
} from "./db/queries/notebooks";
import { runsRanBy } from "./db/queries/runs";
import { findUser } from "./db/queries/users";
import type { Notebook, User } from "./db/schema";
import { cellResults, connectionFor } from "./notebook-export";
import { withServerChoices } from "./parameter-choices";
import { createQuery } from "./queries";
import { runView, startRun } from "./runs/runs";
import { runtime } from "./runtime";
import { timeSlicer } from "./time-slice";

/** The notebook, if the user has at least `needed` on it; anything else is "not found" or a clear refusal. */
export async function notebookFor(user: User, id: string, needed: Level) {
  const { object, level } = await findAuthorized(user, "notebook", id, needed, findNotebook);
  return { notebook: object, level };
}

export async function listUserNotebooks(
  user: User,
  options: { scope: "mine" | "shared" | "all"; search: string; offset: number; limit: number },
): Promise<{ items: NotebookListItem[]; more: boolean }> {
  if (options.scope === "all" && user.role !== "admin")
    throw new UserError("Only an admin can list every notebook.", "forbidden");
  const { db } = await runtime();
  const rows = await listNotebooks(db, { ...options, userId: user.id, limit: options.limit + 1 });
  const items = rows.slice(0, options.limit).map((row) => ({
    id: row.id,
    title: row.title,
    connectionId: row.connectionId,
    ownerName: row.ownerName,
    isOwner: row.ownerId === user.id,
    level: listedLevel(user, row.ownerId, row.grantedRank),
    cellCount: row.cellCount,
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
  }));
  return { items, more: rows.length > options.limit };
}

export async function getNotebook(user: User, id: string): Promise<NotebookView> {
  const { notebook, level } = await notebookFor(user, id, "view");
  return viewOf(user, notebook, level);
}

async function viewOf(user: User, notebook: Notebook, level: Level): Promise<NotebookView> {
  const { db, catalog } = await runtime();
  const cells = await cellsOf(db, notebook.id);
  const runIds = cells.flatMap((c) => (c.lastRunId ? [c.lastRunId] : []));
  const [records, names] = await Promise.all([catalog.loadMany(runIds), runsRanBy(db, { ids: runIds })]);
  const ranBy = new Map(names.map((r) => [r.id, r.ranBy]));
  const byId = new Map(records.map((r) => [r.id, r]));
  const lastRuns: Record<string, CellRun> = {};
  for (const cell of cells) {
    const record = cell.lastRunId ? byId.get(cell.lastRunId) : undefined;
    if (record && ranBy.has(record.id))
      lastRuns[cell.id] = { ...runView(record, user.id), ranBy: ranBy.get(record.id) ?? "" };
  }
  const [owner, editor] = await Promise.all([
    findUser(db, notebook.ownerId),
    notebook.updatedBy ? findUser(db, notebook.updatedBy) : null,
  ]);
  return {
    id: notebook.id,
    title: notebook.title,
    connectionId: notebook.connectionId,
    parameters: notebook.parameters,
    cells: cells.map((c) => ({
      id: c.id,
      kind: c.kind,
      source: c.source,
      connectionId: c.connectionId,
      chart: c.chart,
    })),
    ownerName: owner?.name ?? "(removed user)",
    isOwner: notebook.ownerId === user.id,
    level,
    version: notebook.version,
    updatedAt: notebook.updatedAt.toISOString(),
    updatedByName: editor?.name ?? "someone",
    lastRuns,
  };
}

/** Every connection the content names must be one the user may use. */
async function checkConnections(user: User, content: NotebookContent, unchanged: Set<string>): Promise<void> {
  const named = new Set([
    content.connectionId,
    ...content.cells.flatMap((c) => (c.connectionId ? [c.connectionId] : [])),
  ]);
  for (const id of named) if (!unchanged.has(id)) await requireConnection(user, id);
}

/** A new notebook (also a copy or an import): its cells get ids of their own. */
export async function createNotebook(user: User, content: NotebookContent): Promise<NotebookView> {
  await checkConnections(user, content, new Set());
  const { db } = await runtime();
  const fresh = { ...content, cells: content.cells.map((c) => ({ ...c, id: randomUUID() })) };
  return viewOf(user, await insertNotebook(db, user.id, fresh), "manage");
}

/**
 * Saves the user's edit of version `baseVersion`. If someone saved a newer
 * version meanwhile, nothing is written and theirs comes back, so the user can
 * take theirs, keep their own as a copy, or overwrite knowingly (by saving
 * again over the version they have now seen).
 */
export async function saveNotebook(
  user: User,
  id: string,
  baseVersion: number,
  content: NotebookContent,
): Promise<{ saved: NotebookView } | NotebookConflict> {
  const { notebook, level } = await notebookFor(user, id, "edit");
  const { db } = await runtime();
  const before = await cellsOf(db, notebook.id);
  // Connections already in the notebook stay usable by its editors; new ones must be the editor's own to use.
  const unchanged = new Set([
    notebook.connectionId,
    ...before.flatMap((c) => (c.connectionId ? [c.connectionId] : [])),
  ]);
  await checkConnections(user, content, unchanged);
  if (
    (
      await foreignCellIds(
        db,
        notebook.id,
        content.cells.map((c) => c.id),
      )
    ).length > 0
  )
    throw new UserError("Some cells belong to another notebook. Reload the page and try again.", "conflict");
  const saved = await updateNotebookIfVersion(db, notebook.id, baseVersion, content, user.id);
  if (saved) return { saved: await viewOf(user, saved, level) };
  const theirs = (await findNotebook(db, notebook.id)) ?? notebook;
  return { conflict: true, theirs: await viewOf(user, theirs, level) };
}

export async function removeNotebook(user: User, id: string): Promise<void> {
  const { notebook } = await notebookFor(user, id, "manage");
  await deleteNotebook((await runtime()).db, notebook.id);
}

/**
 * Runs a SQL cell's saved text (never text from the browser: a Can run member
 * runs what the editors wrote). The run becomes the cell's stored result.
 */
export async function runCell(
  user: User,
  notebookId: string,
  cellId: string,
  pageSize: number,
  parameters?: ParameterSpec[],
): Promise<{ run: RunView; page: Page | null }> {
  const { notebook } = await notebookFor(user, notebookId, "run");
  const { db } = await runtime();
  const cell = await findCell(db, notebook.id, cellId);
  if (!cell) throw new UserError("This cell is not in the saved notebook yet. Wait for the save, then run it.");
  if (cell.kind !== "sql") throw new UserError("Only SQL cells run.");
  const connectionId = cell.connectionId ?? notebook.connectionId;
  const engine = await engineFor(user, connectionId);
  const started = await startRun(
    user,
    {
      sql: cell.source,
      connectionId,
      lane: `cell-${cell.id}`,
      pageSize,
      notebookId: notebook.id,
      // The notebook's parameter values (a member with Can run may change them); a dropdown from a query is read here.
      parameters: parameters && (await withServerChoices(user, parameters)),
    },
    engine,
  );
  await setCellRun(db, notebook.id, cell.id, started.run.id);
  return started;
}

/**
 * Makes a notebook from an uploaded file's text (already size-checked by the
 * caller) and answers only its id: the importer opens it next, and sending an
 * 8 MiB notebook back would double the work.
 */
export async function importNotebookFile(
  user: User,
  input: { filename: string; text: string; connectionId: string },
): Promise<{ id: string }> {
  await requireConnection(user, input.connectionId);
  const imported = await runStepsSliced(importNotebookSteps(input.filename, input.text), timeSlicer());
  // A connection named in the file is kept only if this user may use it here.
  const usable = new Set((await listConnections(user)).map((c) => c.id));
  const content: NotebookContent = {
    title: imported.title,
    connectionId: input.connectionId,
    cells: imported.cells.map((cell) => ({
      id: randomUUID(),
      kind: cell.kind,
      source: cell.source,
      connectionId:
        cell.kind === "sql" && cell.connectionId && usable.has(cell.connectionId) ? cell.connectionId : null,
      chart: cell.kind === "sql" ? (cell.chart ?? null) : null,
    })),
    parameters: imported.parameters ?? [],
  };
  await checkConnections(user, content, new Set());
  const { db } = await runtime();
  const notebook = await insertNotebook(db, user.id, content);
  return { id: notebook.id };
}

/**
 * The notebook as a file. Both .ipynb flavours carry each SQL cell's stored
 * result as its output; the Jupyter one starts with a cell that connects
 * (through Lakebook's API at `baseUrl`, or to the Databricks warehouse).
 */
export async function exportNotebookFile(
  user: User,
  id: string,
  format: "ipynb" | "databricks" | "sql",
  /** Where the Jupyter flavour's connect cell connects; without it, the file has none. */
  options?: { connect: "lakebook" | "warehouse"; baseUrl: string },
) {
  const view = await getNotebook(user, id);
  const content = {
    title: view.title,
    connectionId: view.connectionId,
    cells: view.cells,
    parameters: view.parameters,
  };
  if (format === "sql") return exportNotebook(content, "sql");
  const [connect, results] = await Promise.all([
    format === "ipynb" && options ? connectionFor(user, view, options.connect, options.baseUrl) : null,
    cellResults(user, view),
  ]);
  return exportNotebook(content, "ipynb", { flavour: format === "ipynb" ? "jupyter" : "databricks", connect, results });
}

/** A cell's saved SQL becomes a saved query of the user's own. */
export async function cellToQuery(
  user: User,
  notebookId: string,
  cellId: string,
  details: { title: string; description?: string },
) {
  const { notebook } = await notebookFor(user, notebookId, "view");
  const cell = await findCell((await runtime()).db, notebook.id, cellId);
  if (cell?.kind !== "sql") throw notFoundError();
  return createQuery(user, {
    title: details.title,
    description: details.description ?? `From the notebook "${notebook.title}".`,
    sql: cell.source,
    connectionId: cell.connectionId ?? notebook.connectionId,
    chart: cell.chart ?? null,
  });
}
