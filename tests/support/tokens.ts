import type { SqlDialect } from "@/lib/sql/split";
import { type Token, tokens } from "@/lib/sql/tokens";

/** Helpers of the tokenizer's unit tests (lib/sql/tokens*.test.ts). */

export type Row = [Token["kind"], string] | [Token["kind"], string, "open"];

export function rows(sql: string, dialect: SqlDialect = "duckdb"): Row[] {
  return [...tokens(sql, dialect)].map((t) =>
    t.open ? [t.kind, sql.slice(t.start, t.end), "open"] : [t.kind, sql.slice(t.start, t.end)],
  );
}

/** Non-blank tokens as [kind, text]. */
export function significant(sql: string, dialect: SqlDialect = "duckdb"): Row[] {
  return rows(sql, dialect).filter(([kind]) => kind !== "space");
}

/** Checks that tokens cover the text end to end, in order, without gaps or overlaps; returns the first 3 significant ones. */
export function checkCoverage(sql: string, dialect: SqlDialect): Token[] {
  let at = 0;
  let count = 0;
  let open = false;
  const first: Token[] = [];
  for (const t of tokens(sql, dialect)) {
    if (first.length < 3 && t.kind !== "space" && t.kind !== "comment") first.push(t);
    if (t.start !== at || t.end <= t.start) throw new Error(`token ${count} at ${t.start}..${t.end}, expected ${at}`);
    if (open) throw new Error("a token after an open one");
    open = t.open === true;
    at = t.end;
    count++;
  }
  if (at !== sql.length) throw new Error(`tokens end at ${at} of ${sql.length}`);
  return first;
}
