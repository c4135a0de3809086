import "server-only";
import { findNotebook } from "../db/queries/notebooks";
import { findQuery } from "../db/queries/saved-queries";
import { findUser } from "../db/queries/users";
import type { Attribution } from "../engines/types";
import type { Runtime } from "../runtime";
import type { RunRecord } from "./catalog";

/**
 * Who a run is for and what it came from, by name, for the warehouse's query
 * history. A name that cannot be read (the metadata store hiccups) leaves the
 * id in its place: attribution never stops a run.
 */
export async function attributionOf(
  rt: Pick<Runtime, "db">,
  record: Pick<RunRecord, "id" | "owner" | "queryId" | "notebookId">,
): Promise<Attribution> {
  const quietly = <T>(read: () => Promise<T>) => read().catch(() => null);
  const [member, query, notebook] = await Promise.all([
    quietly(() => findUser(rt.db, record.owner)),
    record.queryId ? quietly(() => findQuery(rt.db, record.queryId as string)) : null,
    record.notebookId ? quietly(() => findNotebook(rt.db, record.notebookId as string)) : null,
  ]);
  return {
    member: member?.email ?? record.owner,
    run: record.id,
    query: record.queryId ? { id: record.queryId, title: query?.title ?? "" } : null,
    notebook: record.notebookId ? { id: record.notebookId, title: notebook?.title ?? "" } : null,
  };
}
