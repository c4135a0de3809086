import "server-only";
import { LRUCache } from "lru-cache";
import type { ColumnProfile } from "@/lib/results/profile";
import { histogramSql, profileKind, profileSummarySql, topValuesSql } from "./profile-sql";
import type { ResultStore } from "./result-store";
import { resultTable } from "./store-sql";

/**
 * Column profiles of stored results, computed by DuckDB over every stored row
 * on first request and kept (a finished result never changes): two scans of
 * the column (profile-sql.ts). Forgotten with the result.
 */
export class Profiles {
  private readonly cache = new LRUCache<string, Promise<ColumnProfile>>({ max: 512 });

  constructor(private readonly store: Pick<ResultStore, "read" | "columnTypes">) {}

  of(runId: string, column: number): Promise<ColumnProfile> {
    const key = `${runId}:${column}`;
    let profile = this.cache.get(key);
    if (!profile) {
      profile = this.compute(runId, column);
      this.cache.set(key, profile);
      profile.catch(() => this.cache.delete(key));
    }
    return profile;
  }

  forgetRun(runId: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${runId}:`)) this.cache.delete(key);
  }

  private async compute(runId: string, column: number): Promise<ColumnProfile> {
    const table = resultTable(runId);
    const type = (await this.store.columnTypes(runId))[column];
    const kind = profileKind(type);
    const [row] = await this.store.read(profileSummarySql(table, column, type));
    const [rows, nulls, distinct, min, max, ...more] = row;
    const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
    const profile: ColumnProfile = {
      column,
      type,
      kind,
      rows: Number(rows),
      nulls: Number(nulls),
      distinct: Number(distinct),
      min: text(min),
      max: text(max),
      mean: null,
      quantiles: null,
      top: [],
      histogram: [],
    };
    if (kind === "text") {
      const common = listOf(more[0]).map(String);
      const counts = await this.store.read(topValuesSql(table, column, common));
      profile.top = counts.map(([value, count]) => ({ value: text(value), count: Number(count) }));
      return profile;
    }
    profile.mean = text(more[0]);
    const quantiles = listOf(more[1]).map(String);
    profile.quantiles = quantiles.length === 3 ? [quantiles[0], quantiles[1], quantiles[2]] : null;
    if (profile.min !== null && profile.max !== null) {
      const bins = await this.store.read(histogramSql(table, column, type, profile.min, profile.max));
      profile.histogram = bins.map(([upTo, count]) => ({ upTo: String(upTo), count: Number(count) }));
    }
    return profile;
  }
}

/** A DuckDB LIST value as node-api hands it over (an object with `items`), or an array. */
function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === "object" && "items" in value && Array.isArray((value as { items: unknown[] }).items))
    return (value as { items: unknown[] }).items;
  return [];
}
