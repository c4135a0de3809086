import "server-only";
import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, ilike, inArray, ne, notInArray, or, type SQL, sql } from "drizzle-orm";
import type { NotebookContent } from "@/lib/notebooks/types";
import { timeSlicer } from "../../time-slice";
import type { Db } from "../client";
import { type Notebook, type NotebookCellRow, notebookCells, notebooks, permissions, users } from "../schema";
import { reachesUser, sharedWithUser } from "./permissions";
import { likePattern } from "./saved-queries";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export async function insertNotebook(db: Db, ownerId: string, content: NotebookContent): Promise<Notebook> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(notebooks)
      .values({
        id: randomUUID(),
        ownerId,
        updatedBy: ownerId,
        title: content.title,
        connectionId: content.connectionId,
        parameters: content.parameters ?? [],
      })
      .returning();
    await writeCells(tx, row.id, content);
    return row;
  });
}

export async function findNotebook(db: Db, id: string): Promise<Notebook | null> {
  const [row] = await db.select().from(notebooks).where(eq(notebooks.id, id));
  return row ?? null;
}

export async function cellsOf(db: Db, notebookId: string): Promise<NotebookCellRow[]> {
  return db
    .select()
    .from(notebookCells)
    .where(eq(notebookCells.notebookId, notebookId))
    .orderBy(asc(notebookCells.position));
}

export async function findCell(db: Db, notebookId: string, cellId: string): Promise<NotebookCellRow | null> {
  const [row] = await db
    .select()
    .from(notebookCells)
    .where(and(eq(notebookCells.notebookId, notebookId), eq(notebookCells.id, cellId)));
  return row ?? null;
}

/**
 * Saves the whole content over `baseVersion` only if it is still the latest:
 * null means someone saved a newer version first and nothing was written.
 * Cells keep their stored results (`lastRunId`) across saves.
 */
export async function updateNotebookIfVersion(
  db: Db,
  id: string,
  baseVersion: number,
  content: NotebookContent,
  userId: string,
): Promise<Notebook | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(notebooks)
      .set({
        title: content.title,
        connectionId: content.connectionId,
        // A save that leaves the parameters out keeps them.
        ...(content.parameters ? { parameters: content.parameters } : {}),
        version: sql`${notebooks.version} + 1`,
        updatedBy: userId,
        updatedAt: new Date(),
      })
      .where(and(eq(notebooks.id, id), eq(notebooks.version, baseVersion)))
      .returning();
    if (!row) return null;
    await writeCells(tx, id, content);
    return row;
  });
}

/**
 * Cells are written in multi-row statements of bounded size, with a turn of
 * the event loop between them when they take long: a 500-cell, 8 MiB notebook
 * is a few statements, and PGlite (which runs on this thread) never holds the
 * loop for the whole of it.
 */
const CELL_BATCH_CHARS = 512 * 1024;
const CELL_BATCH_ROWS = 100;

async function writeCells(tx: Tx, notebookId: string, content: NotebookContent): Promise<void> {
  const ids = content.cells.map((c) => c.id);
  await tx
    .delete(notebookCells)
    .where(
      ids.length
        ? and(eq(notebookCells.notebookId, notebookId), notInArray(notebookCells.id, ids))
        : eq(notebookCells.notebookId, notebookId),
    );
  const rows = content.cells.map((cell, position) => ({
    id: cell.id,
    notebookId,
    position,
    kind: cell.kind,
    source: cell.source,
    connectionId: cell.kind === "sql" ? cell.connectionId : null,
    chart: cell.kind === "sql" ? cell.chart : null,
  }));
  const pause = timeSlicer();
  for (const batch of batches(rows)) {
    await tx
      .insert(notebookCells)
      .values(batch)
      // A cell id belongs to one notebook: a forged id naming another notebook's cell changes nothing there.
      .onConflictDoUpdate({
        target: notebookCells.id,
        set: {
          position: sql`excluded.position`,
          kind: sql`excluded.kind`,
          source: sql`excluded.source`,
          connectionId: sql`excluded.connection_id`,
          chart: sql`excluded.chart`,
          // A Markdown cell has no result; dropping the link lets the old result expire.
          lastRunId: sql`case when excluded.kind = 'markdown' then null else ${notebookCells.lastRunId} end`,
        },
        setWhere: eq(notebookCells.notebookId, notebookId),
      });
    await pause();
  }
}

function* batches<T extends { source: string }>(rows: T[]): Generator<T[]> {
  let batch: T[] = [];
  let chars = 0;
  for (const row of rows) {
    if (batch.length > 0 && (batch.length >= CELL_BATCH_ROWS || chars + row.source.length > CELL_BATCH_CHARS)) {
      yield batch;
      batch = [];
      chars = 0;
    }
    batch.push(row);
    chars += row.source.length;
  }
  if (batch.length > 0) yield batch;
}

export async function setCellRun(db: Db, notebookId: string, cellId: string, runId: string): Promise<void> {
  await db
    .update(notebookCells)
    .set({ lastRunId: runId })
    .where(and(eq(notebookCells.notebookId, notebookId), eq(notebookCells.id, cellId)));
}

export async function deleteNotebook(db: Db, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(permissions).where(and(eq(permissions.objectKind, "notebook"), eq(permissions.objectId, id)));
    await tx.delete(notebooks).where(eq(notebooks.id, id));
  });
}

/** Cell ids already used by other notebooks, so a save cannot take them over. */
export async function foreignCellIds(db: Db, notebookId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: notebookCells.id })
    .from(notebookCells)
    .where(and(inArray(notebookCells.id, ids), ne(notebookCells.notebookId, notebookId)));
  return rows.map((r) => r.id);
}

const LEVEL_RANK = sql`CASE ${permissions.level} WHEN 'view' THEN 1 WHEN 'run' THEN 2 WHEN 'edit' THEN 3 WHEN 'manage' THEN 4 END`;

/** Notebooks for the list page: the user's own, those shared with them, or (admins) all; optionally searched. */
export async function listNotebooks(
  db: Db,
  options: { userId: string; scope: "mine" | "shared" | "all"; search?: string; limit: number; offset: number },
) {
  const { userId, scope } = options;
  const where: (SQL | undefined)[] = [];
  if (scope === "mine") where.push(eq(notebooks.ownerId, userId));
  if (scope === "shared")
    where.push(ne(notebooks.ownerId, userId), inArray(notebooks.id, sharedWithUser(db, "notebook", userId)));
  if (options.search) {
    const pattern = likePattern(options.search);
    const inCells = db
      .select({ id: notebookCells.notebookId })
      .from(notebookCells)
      .where(ilike(notebookCells.source, pattern));
    where.push(or(ilike(notebooks.title, pattern), inArray(notebooks.id, inCells)));
  }
  const grantedRank = db
    .select({ rank: sql`max(${LEVEL_RANK})` })
    .from(permissions)
    .where(
      and(eq(permissions.objectKind, "notebook"), eq(permissions.objectId, notebooks.id), reachesUser(db, userId)),
    );
  return db
    .select({
      id: notebooks.id,
      title: notebooks.title,
      connectionId: notebooks.connectionId,
      ownerId: notebooks.ownerId,
      ownerName: users.name,
      version: notebooks.version,
      updatedAt: notebooks.updatedAt,
      cellCount: sql<number>`(SELECT count(*)::int FROM ${notebookCells} WHERE ${notebookCells.notebookId} = ${notebooks.id})`,
      grantedRank: sql<number | null>`(${grantedRank})`,
    })
    .from(notebooks)
    .innerJoin(users, eq(users.id, notebooks.ownerId))
    .where(and(...where))
    .orderBy(desc(notebooks.updatedAt), desc(notebooks.id))
    .limit(options.limit)
    .offset(options.offset);
}
