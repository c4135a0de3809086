import "server-only";
import { notFoundError, UserError } from "@/lib/action-result";
import type { Caller } from "../auth/caller";
import { levelOn } from "../auth/permissions";
import { config } from "../config";
import { findNotebook } from "../db/queries/notebooks";
import { findQuery } from "../db/queries/saved-queries";
import { runtime } from "../runtime";
import type { RunRecord } from "./catalog";
import { active } from "./registry";

/**
 * The run, if the actor may read it: their own, or a run of a saved query
 * they can view. Anyone else's run looks exactly like one that does not exist.
 */
export async function stored(actor: Caller, id: string): Promise<RunRecord> {
  const record = await readable(actor, id);
  if (record.removedForSpace)
    throw new UserError("This result was removed to free space for newer results. Run the query again.", "conflict");
  if (record.resultExpired)
    throw new UserError(
      `This result is no longer stored: results are kept for ${config().LAKEBOOK_RESULT_TTL_HOURS} hours. Run the query again.`,
      "conflict",
    );
  return record;
}

/** Any run, for an admin. */
export async function anyRun(id: string): Promise<RunRecord> {
  const record = /^[0-9a-f]{32}$/.test(id) ? await (await runtime()).catalog.load(id) : null;
  if (!record) throw notFoundError();
  return record;
}

export async function readable(actor: Caller, id: string): Promise<RunRecord> {
  if (!/^[0-9a-f]{32}$/.test(id)) throw notFoundError();
  const record = await load(id);
  // An earlier statement's result of a script is read by whoever may read the script.
  const subject = record?.parentId ? await load(record.parentId) : record;
  if (record && subject && (await mayRead(actor, subject))) return record;
  throw notFoundError();
}

async function load(id: string): Promise<RunRecord | null> {
  return active.get(id)?.record ?? (await (await runtime()).catalog.load(id));
}

/** Their own run, or a run of a saved query or notebook they can view. */
async function mayRead(actor: Caller, record: RunRecord): Promise<boolean> {
  if (record.owner === actor.id) return true;
  const { db } = await runtime();
  if (record.queryId) {
    const query = await findQuery(db, record.queryId);
    if (query && (await levelOn(actor, "query", query)) !== null) return true;
  }
  if (record.notebookId) {
    const notebook = await findNotebook(db, record.notebookId);
    if (notebook && (await levelOn(actor, "notebook", notebook)) !== null) return true;
  }
  return false;
}
