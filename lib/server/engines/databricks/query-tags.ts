import "server-only";
import type { Attribution } from "../types";

/** Databricks keeps query tag values short; longer titles are cut (keys and ids are far below this). */
const MAX_VALUE = 128;

const cut = (value: string) => (value.length <= MAX_VALUE ? value : `${value.slice(0, MAX_VALUE - 1)}…`);

/**
 * A run's attribution as Databricks query tags (shown with each statement in
 * the warehouse's query history and `system.query.history`). The driver
 * escapes `:` `,` and `\` in values; Lakebook only keeps them short.
 */
export function queryTags(attribution: Attribution): Record<string, string> {
  const tags: Record<string, string> = {
    lakebook_member: cut(attribution.member),
    lakebook_run: attribution.run,
  };
  if (attribution.query) {
    tags.lakebook_query = attribution.query.id;
    tags.lakebook_query_title = cut(attribution.query.title);
  }
  if (attribution.notebook) {
    tags.lakebook_notebook = attribution.notebook.id;
    tags.lakebook_notebook_title = cut(attribution.notebook.title);
  }
  return tags;
}
