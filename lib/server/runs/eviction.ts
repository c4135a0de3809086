import "server-only";
import type { Db } from "../db/client";
import { runsShownInCells, runsShownInTabs, scriptsOf, setResultExpired } from "../db/queries/runs";
import type { Holding, Shortfall } from "./budget";
import type { ResultStore } from "./result-store";

/** Longest a writer waits for the space it made room in to be reusable (see ResultStore.reclaim). */
const RECLAIM_WAIT_MS = 5_000;
/** Ids per query to the metadata store (PostgreSQL takes at most 65,535 parameters). */
const BATCH = 5_000;

/**
 * What a member would miss most, lowest first: a result only in the history;
 * the last result of an open editor tab (it comes back with the tab); a
 * notebook cell's result (the notebook shows it to everyone who opens it).
 * Results being written or downloaded are never candidates (budget.ts).
 */
async function keepRanks(db: Db, ids: string[]): Promise<Map<string, number>> {
  const ranks = new Map<string, number>();
  for (let i = 0; i < ids.length; i += BATCH) {
    const batch = ids.slice(i, i + BATCH);
    // An earlier statement's result of a script is kept as well as the script.
    const scripts = await scriptsOf(db, batch);
    const shownAs = new Map(scripts.map(({ id, parentId }) => [id, parentId ?? id]));
    const asShown = [...new Set(batch.map((id) => shownAs.get(id) ?? id))];
    const [tabs, cells] = await Promise.all([runsShownInTabs(db, asShown), runsShownInCells(db, asShown)]);
    const shown = new Map<string, number>();
    for (const { id } of tabs) if (id) shown.set(id, 1);
    for (const { id } of cells) if (id) shown.set(id, 2);
    for (const id of batch) {
      const rank = shown.get(shownAs.get(id) ?? id);
      if (rank) ranks.set(id, rank);
    }
  }
  return ranks;
}

/**
 * Removes stored results to free `shortfall.bytes`: the member's own when
 * they are over their share, anyone's when the store is over its total. The
 * least kept first (see keepRanks), and among those the least recently used.
 * Runs say their result was removed to free space. Resolves to the bytes
 * freed; 0 when nothing is left to remove.
 */
export async function evict(db: Db, store: ResultStore, shortfall: Shortfall): Promise<number> {
  const candidates = store.budget.removable(shortfall.owner);
  if (candidates.length === 0) return 0;
  const ranks = await keepRanks(
    db,
    candidates.map((c) => c.key),
  );
  const rank = (c: Holding) => ranks.get(c.key) ?? 0;
  candidates.sort((a, b) => rank(a) - rank(b) || a.usedAt - b.usedAt);
  const victims: string[] = [];
  let freed = 0;
  for (const candidate of candidates) {
    if (freed >= shortfall.bytes) break;
    victims.push(candidate.key);
    freed += candidate.bytes;
  }
  // The runs say so first: a page asked for meanwhile gets the notice, not a missing table.
  for (let i = 0; i < victims.length; i += BATCH) {
    await setResultExpired(db, victims.slice(i, i + BATCH), true);
  }
  let removed = 0;
  for (const id of victims) {
    const bytes = store.budget.holding(id)?.bytes ?? 0;
    if (!store.budget.retire(id)) {
      // Pinned since it was picked (a download began): it stays, and its run says so again.
      await setResultExpired(db, [id], false);
      continue;
    }
    removed += bytes;
    await store.remove(id, "space");
  }
  // Until a checkpoint, DuckDB cannot reuse the dropped blocks and the writer
  // waiting for this room would grow the file: wait for it (a few seconds at most).
  await store.reclaimed(RECLAIM_WAIT_MS);
  return removed;
}
