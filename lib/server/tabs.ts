import "server-only";
import { notFoundError, UserError } from "@/lib/action-result";
import { sameChart } from "@/lib/charts/same-chart";
import type { ChartSpec } from "@/lib/notebooks/types";
import type { Level } from "@/lib/sharing";
import type { ParameterSpec } from "@/lib/sql/parameters";
import { type EditorTabView, MAX_TABS } from "@/lib/tabs";
import { levelOn } from "./auth/permissions";
import { BUILTIN_ID } from "./connections/access";
import { engineFor } from "./connections/engines";
import { adoptRun, runsRanBy } from "./db/queries/runs";
import { findQueries, findQuery, findQueryVersion } from "./db/queries/saved-queries";
import { deleteTab, findTab, insertTab, saveTabDraft, tabsOf, updateTab } from "./db/queries/tabs";
import { findUser } from "./db/queries/users";
import type { EditorTab, User } from "./db/schema";
import { withServerChoices } from "./parameter-choices";
import { queryFor } from "./queries";
import { type StartRunInput, startRun } from "./runs/runs";
import { runtime } from "./runtime";

export const STARTER_SQL =
  "-- Press Ctrl+Enter (⌘+Enter on a Mac) to run. Select text to run only that.\nSELECT * FROM samples.nyctaxi.trips LIMIT 1000;\n";

/**
 * The user's open tabs with their drafts; a first visit gets one tab. A tab
 * of a query the user can no longer see stays open as a plain draft.
 */
export async function listTabs(user: User): Promise<EditorTabView[]> {
  const { db } = await runtime();
  let rows = await tabsOf(db, user.id);
  if (rows.length === 0) {
    rows = [
      await insertTab(db, {
        userId: user.id,
        title: "Untitled",
        sql: STARTER_SQL,
        connectionId: BUILTIN_ID,
        queryId: null,
        baseVersion: null,
      }),
    ];
  }
  return views(user, rows);
}

async function views(user: User, rows: EditorTab[]): Promise<EditorTabView[]> {
  const { db } = await runtime();
  const ids = [...new Set(rows.flatMap((r) => (r.queryId ? [r.queryId] : [])))];
  const found = await findQueries(db, ids);
  const levels = new Map<string, Level | null>();
  for (const q of found) levels.set(q.id, await levelOn(user, "query", q));
  const out: EditorTabView[] = [];
  for (const row of rows) {
    const query = found.find((q) => q.id === row.queryId);
    const level = query ? levels.get(query.id) : null;
    if (!query || !level || row.baseVersion === null) {
      out.push(plain(row));
      continue;
    }
    const base = await findQueryVersion(db, query.id, row.baseVersion);
    const [last] = await runsRanBy(db, { latestOfQuery: query.id });
    out.push({
      ...plain(row),
      query: {
        id: query.id,
        baseVersion: row.baseVersion,
        savedSql: base?.sql ?? query.sql,
        savedParameters: base?.parameters ?? query.parameters,
        savedChart: (base ? base.chart : query.chart) ?? null,
        savedTitle: base?.title ?? query.title,
        savedConnectionId: base?.connectionId ?? query.connectionId,
        description: base?.description ?? query.description,
        level,
        isOwner: query.ownerId === user.id,
        ownerName: (await findUser(db, query.ownerId))?.name ?? "(removed user)",
        lastRunId: last?.id ?? null,
        lastRunBy: last?.ranBy ?? null,
      },
    });
  }
  return out;
}

function plain(row: EditorTab): EditorTabView {
  return {
    id: row.id,
    title: row.title,
    sql: row.sql,
    parameters: row.parameters ?? [],
    chart: row.chart ?? null,
    connectionId: row.connectionId,
    revision: row.revision,
    lastRunId: row.lastRunId,
    place: row.place ?? null,
    query: null,
  };
}

async function tabView(user: User, row: EditorTab): Promise<EditorTabView> {
  return (await views(user, [row]))[0];
}

async function ownTab(user: User, id: string): Promise<EditorTab> {
  const { db } = await runtime();
  const row = /^[0-9a-f-]{36}$/.test(id) ? await findTab(db, user.id, id) : null;
  if (!row) throw notFoundError();
  return row;
}

async function roomForATab(user: User): Promise<void> {
  const { db } = await runtime();
  if ((await tabsOf(db, user.id)).length >= MAX_TABS)
    throw new UserError(`You have ${MAX_TABS} tabs open. Close one to open another.`, "conflict");
}

/** Opens a saved query in a tab (the tab it is already open in, if any). */
export async function openQueryTab(user: User, queryId: string): Promise<EditorTabView> {
  const { query } = await queryFor(user, queryId, "view");
  const { db } = await runtime();
  const open = (await tabsOf(db, user.id)).find((t) => t.queryId === query.id);
  // A link always opens: the cap on tabs is for new drafts only.
  if (open) return tabView(user, open);
  const row = await insertTab(db, {
    userId: user.id,
    title: query.title,
    sql: query.sql,
    parameters: query.parameters,
    chart: query.chart,
    connectionId: query.connectionId,
    queryId: query.id,
    baseVersion: query.version,
  });
  return tabView(user, row);
}

/** Opens SQL (new, or from the history) in a new tab. */
export async function openDraftTab(
  user: User,
  draft: { title: string; sql: string; connectionId: string; parameters?: ParameterSpec[]; chart?: ChartSpec | null },
): Promise<EditorTabView> {
  await roomForATab(user);
  const { db } = await runtime();
  const row = await insertTab(db, { userId: user.id, ...draft, queryId: null, baseVersion: null });
  return tabView(user, row);
}

/** Stores what the user typed. A save older than the stored revision changes nothing. */
export async function saveDraft(
  user: User,
  draft: {
    tabId: string;
    sql: string;
    connectionId: string;
    revision: number;
    parameters?: ParameterSpec[];
    chart?: ChartSpec | null;
  },
): Promise<{ revision: number; stale: boolean }> {
  const tab = await ownTab(user, draft.tabId);
  const { db } = await runtime();
  const saved = await saveTabDraft(db, user.id, tab.id, draft);
  if (saved) return { revision: saved.revision, stale: false };
  // A retried save that already arrived (or the same text from another window) is no conflict.
  const stored = await findTab(db, user.id, tab.id);
  const same =
    stored?.sql === draft.sql &&
    stored.connectionId === draft.connectionId &&
    (draft.parameters === undefined || JSON.stringify(stored.parameters) === JSON.stringify(draft.parameters)) &&
    (draft.chart === undefined || sameChart(stored.chart, draft.chart));
  return { revision: stored?.revision ?? tab.revision, stale: !same };
}

/** After a save: the tab now edits `version` of the query. */
export async function linkTab(user: User, tabId: string, queryId: string, version: number, title: string) {
  const tab = await ownTab(user, tabId);
  const { db } = await runtime();
  const row = await updateTab(db, user.id, tab.id, { queryId, baseVersion: version, title });
  if (!row) throw notFoundError();
  await adoptLastRun(user, row);
  return tabView(user, row);
}

/**
 * A query saved right after running it already has a result: the tab's last
 * run becomes the query's when it ran exactly the saved SQL on its connection.
 */
async function adoptLastRun(user: User, tab: EditorTab): Promise<void> {
  if (!tab.lastRunId || !tab.queryId) return;
  const { db, catalog } = await runtime();
  const query = await findQuery(db, tab.queryId);
  catalog.forget(tab.lastRunId);
  await adoptRun(
    db,
    { id: tab.lastRunId, userId: user.id },
    { id: tab.queryId, sql: query?.sql ?? "", connectionId: query?.connectionId ?? "" },
  );
  catalog.forget(tab.lastRunId);
}

/**
 * Runs SQL in a tab (its lane: one run at a time), which remembers the run. A
 * tab of a saved query that runs exactly the saved SQL on its connection
 * records the run as the query's (this needs Can run), so that everyone who
 * can view the query sees it as its last result.
 */
export async function runInTab(user: User, input: StartRunInput) {
  let queryId: string | null = null;
  if (input.queryId) {
    const { query } = await queryFor(user, input.queryId, "run");
    if (query.sql === input.sql && query.connectionId === input.connectionId) queryId = query.id;
  }
  // Only a notebook's own run path may tag a run with a notebook (its viewers can read the run).
  const { db } = await runtime();
  const tab = await findTab(db, user.id, input.lane);
  const place = tab?.place?.connectionId === input.connectionId ? tab.place : null;
  // A dropdown filled from a saved query takes its list from the server, never from the browser.
  const parameters = input.parameters && (await withServerChoices(user, input.parameters));
  const started = await startRun(
    user,
    {
      ...input,
      parameters,
      queryId,
      notebookId: null,
      // The tab keeps its session's place from run to run, and only this tab does.
      place,
      onPlace: async (now) => {
        if (tab) await updateTab(db, user.id, tab.id, { place: { connectionId: input.connectionId, ...now } });
      },
    },
    await engineFor(user, input.connectionId),
  );
  await updateTab((await runtime()).db, user.id, input.lane, { lastRunId: started.run.id });
  return started;
}

export async function closeTab(user: User, tabId: string): Promise<void> {
  const tab = await ownTab(user, tabId);
  await deleteTab((await runtime()).db, user.id, tab.id);
}
