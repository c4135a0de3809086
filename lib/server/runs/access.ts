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
  const rt = await runtime();
  const run = active.get(id);
  const record = run ? run.record : await rt.catalog.load(id);
  if (record && record.owner === actor.id) return record;
  if (record?.queryId) {
    const query = await findQuery(rt.db, record.queryId);
    if (query && (await levelOn(actor, "query", query)) !== null) return record;
  }
  if (record?.notebookId) {
    const notebook = await findNotebook(rt.db, record.notebookId);
    if (notebook && (await levelOn(actor, "notebook", notebook)) !== null) return record;
  }
  throw notFoundError();
}
