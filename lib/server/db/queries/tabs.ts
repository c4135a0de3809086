import "server-only";
import { randomUUID } from "node:crypto";
import { and, asc, eq, lt, max } from "drizzle-orm";
import type { Db } from "../client";
import { type EditorTab, editorTabs } from "../schema";

export async function tabsOf(db: Db, userId: string): Promise<EditorTab[]> {
  return db.select().from(editorTabs).where(eq(editorTabs.userId, userId)).orderBy(asc(editorTabs.position));
}

export async function findTab(db: Db, userId: string, id: string): Promise<EditorTab | null> {
  const [row] = await db
    .select()
    .from(editorTabs)
    .where(and(eq(editorTabs.id, id), eq(editorTabs.userId, userId)));
  return row ?? null;
}

export async function insertTab(
  db: Db,
  tab: Pick<EditorTab, "userId" | "title" | "sql" | "connectionId" | "queryId" | "baseVersion"> &
    Partial<Pick<EditorTab, "parameters" | "chart">>,
): Promise<EditorTab> {
  const [{ last }] = await db
    .select({ last: max(editorTabs.position) })
    .from(editorTabs)
    .where(eq(editorTabs.userId, tab.userId));
  const [row] = await db
    .insert(editorTabs)
    .values({ id: randomUUID(), position: (last ?? -1) + 1, ...tab })
    .returning();
  return row;
}

/** Saves a draft unless a newer revision is already stored: null means this save was stale. */
export async function saveTabDraft(
  db: Db,
  userId: string,
  id: string,
  draft: {
    sql: string;
    connectionId: string;
    revision: number;
    parameters?: EditorTab["parameters"];
    chart?: EditorTab["chart"];
  },
): Promise<EditorTab | null> {
  const [row] = await db
    .update(editorTabs)
    .set({ ...draft, updatedAt: new Date() })
    .where(and(eq(editorTabs.id, id), eq(editorTabs.userId, userId), lt(editorTabs.revision, draft.revision)))
    .returning();
  return row ?? null;
}

export async function updateTab(
  db: Db,
  userId: string,
  id: string,
  changes: Partial<
    Pick<EditorTab, "title" | "queryId" | "baseVersion" | "lastRunId" | "sql" | "connectionId" | "place" | "parameters">
  >,
): Promise<EditorTab | null> {
  const [row] = await db
    .update(editorTabs)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(editorTabs.id, id), eq(editorTabs.userId, userId)))
    .returning();
  return row ?? null;
}

export async function deleteTab(db: Db, userId: string, id: string): Promise<void> {
  await db.delete(editorTabs).where(and(eq(editorTabs.id, id), eq(editorTabs.userId, userId)));
}
