import "server-only";
import { UserError } from "@/lib/action-result";
import type { ChartXKind } from "@/lib/charts/types";
import type { Aggregate, ChartSpec } from "@/lib/notebooks/types";
import { columnKind } from "@/lib/results/format";
import type { ResultColumn } from "@/lib/results/types";
import { storedColumnName } from "./store-sql";

/**
 * DuckDB SQL that turns a stored result (table of c0…cN) into chart points.
 * Results can hold millions of rows, so the query aggregates, samples or cuts
 * on the server and returns at most `budget` x positions. Only stored column
 * names (c0…) and validated integers are ever written into the SQL: display
 * names are resolved to positions here and never quoted into the text.
 *
 * Every query returns rows of [x, gi, gl, nx, ng, other, y0…yN]: the x value,
 * the group's rank and label, how many x values (or rows) there were, how
 * many groups, and whether the row is the pie's "Other" slice.
 */

export const POINT_BUDGET = 2_000;
/** Most series a chart draws (groups × y columns); more are unreadable. */
export const SERIES_LIMIT = 20;
const BAR_CATEGORIES = 100;
const PIE_SLICES = 12;

/**
 * raw: rows as they are, every k-th row when there are too many, ordered by x.
 * series: grouped by x, ordered by x, every k-th x value when there are too many.
 * categories: bar (text x) and pie: the largest categories, or the first rows when not aggregated.
 */
export type ChartMode = "raw" | "series" | "categories";

export interface ChartPlan {
  sql: string;
  mode: ChartMode;
  /** Display names of the columns used (pie uses one y and no group). */
  x: string;
  y: string[];
  group: string | null;
  xKind: ChartXKind;
  aggregate: Aggregate;
  budget: number;
  /** Groups kept as series: the most frequent ones. */
  groupLimit: number;
  /** Categories shown at most, counting the "Other" slice. */
  categoryLimit: number;
  /** Whether categories past the limit are summed into an "Other" slice (pie of additive values). */
  withOther: boolean;
}

export function chartSql(
  table: string,
  columns: ResultColumn[],
  spec: ChartSpec,
  rowCount: number,
  budget = POINT_BUDGET,
): ChartPlan {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new Error(`not a result table: ${table}`);
  if (!Number.isSafeInteger(budget) || budget < 2) throw new Error(`not a point budget: ${budget}`);
  if (!Number.isSafeInteger(rowCount) || rowCount < 0) throw new Error(`not a row count: ${rowCount}`);
  const pie = spec.kind === "pie";
  const count = spec.aggregate === "count";
  const xIndex = resolve(columns, spec.x, "x axis");
  const groupIndex = pie || !spec.group ? null : resolve(columns, spec.group, "group");
  const yNames = pie ? spec.y.slice(0, 1) : spec.y;
  if (yNames.length === 0) throw new UserError("Choose a column for the y axis.");
  if (yNames.length > SERIES_LIMIT) throw new UserError(`A chart can show at most ${SERIES_LIMIT} y columns.`);
  const yIndexes = yNames.map((name) => {
    const i = resolve(columns, name, "y axis");
    if (!count && columnKind(columns[i].type) !== "number")
      throw new UserError(
        `"${name}" is not a number column (${columns[i].type}): choose a number column for the y axis, or count its values.`,
      );
    return i;
  });

  const kind = columnKind(columns[xIndex].type);
  const xKind: ChartXKind = kind === "number" || kind === "temporal" ? kind : "text";
  const mode: ChartMode =
    pie || (spec.kind === "bar" && xKind === "text") ? "categories" : spec.aggregate === "none" ? "raw" : "series";
  const groupLimit = Math.max(1, Math.floor(SERIES_LIMIT / yIndexes.length));
  const categoryLimit = Math.min(budget, pie ? PIE_SLICES : BAR_CATEGORIES);
  const withOther = pie && (spec.aggregate === "none" || spec.aggregate === "sum" || count);

  const ctes: string[] = [];
  const group = groupIndex === null ? null : `t.${storedColumnName(groupIndex)}`;
  if (group) {
    // The most frequent groups become series; ties go to the smaller value so the choice is stable.
    ctes.push(
      `top_g AS (SELECT g, gl, gi, ng FROM (SELECT ${group} AS g, CAST(${group} AS VARCHAR) AS gl, ` +
        `row_number() OVER (ORDER BY count(*) DESC, ${group} NULLS LAST) - 1 AS gi, count(*) OVER () AS ng ` +
        `FROM ${table} t GROUP BY ${group}) WHERE gi < ${groupLimit})`,
    );
  }
  const x = `t.${storedColumnName(xIndex)}`;
  const where: string[] = [];
  // An ordered axis has no place for NULL; a category axis shows it as a category.
  if (mode !== "categories") where.push(`${x} IS NOT NULL`);
  // Systematic sample: rows are stored with contiguous rowids 0…rowCount-1.
  if (mode === "raw") where.push(`t.rowid % ${Math.max(1, Math.ceil(rowCount / budget))} = 0`);
  const ys = yIndexes.map((c, i) => {
    const y = `t.${storedColumnName(c)}`;
    // Charts are approximate: DOUBLE avoids DECIMAL overflow in sums; TRY_CAST maps what does not fit to NULL.
    return `${count ? y : `TRY_CAST(${y} AS DOUBLE)`} AS y${i}`;
  });
  ctes.push(
    `base AS (SELECT t.rowid AS rid, ${x} AS xk, ` +
      `${group ? "tg.gi, tg.gl, tg.ng" : "0 AS gi, NULL::VARCHAR AS gl, 1 AS ng"}, ${ys.join(", ")} ` +
      `FROM ${table} t${group ? ` JOIN top_g tg ON ${group} IS NOT DISTINCT FROM tg.g` : ""}` +
      `${where.length > 0 ? ` WHERE ${where.join(" AND ")}` : ""})`,
  );
  const yOut = yIndexes.map((_, i) => `y${i}`).join(", ");
  const xOut = (e: string) => (xKind === "number" ? `TRY_CAST(${e} AS DOUBLE)` : `CAST(${e} AS VARCHAR)`);
  if (spec.aggregate !== "none") {
    const aggregated = yIndexes.map((_, i) => `${aggregateOf(spec.aggregate, `y${i}`)} AS y${i}`).join(", ");
    ctes.push(
      `agg AS (SELECT xk, gi, any_value(gl) AS gl, any_value(ng) AS ng, ${aggregated} FROM base GROUP BY xk, gi)`,
    );
  }

  let select: string;
  if (mode === "raw") {
    select =
      `SELECT ${xOut("xk")}, gi, gl, NULL::BIGINT AS nx, ng, false AS other, ${yOut} ` +
      `FROM base ORDER BY xk, rid LIMIT ${budget}`;
  } else if (mode === "series") {
    ctes.push(
      "ranked AS (SELECT *, dense_rank() OVER (ORDER BY xk) - 1 AS xr FROM agg)",
      "counted AS (SELECT *, max(xr) OVER () + 1 AS nx FROM ranked)",
    );
    select =
      `SELECT ${xOut("xk")}, gi, gl, nx, ng, false AS other, ${yOut} FROM counted ` +
      `WHERE xr % ((nx + ${budget - 1}) // ${budget}) = 0 ORDER BY xr, gi`;
  } else {
    if (spec.aggregate === "none") {
      // Not aggregated: the rows the query returned, in its order (it may have sorted them).
      ctes.push("u AS (SELECT b.*, row_number() OVER (ORDER BY rid) - 1 AS xr, count(*) OVER () AS nx FROM base b)");
    } else {
      // Categories ranked by their value over all groups; ties go to the smaller x so the choice is stable.
      ctes.push(
        `xs AS (SELECT xk, row_number() OVER (ORDER BY v DESC NULLS LAST, xk NULLS LAST) - 1 AS xr, count(*) OVER () AS nx ` +
          `FROM (SELECT xk, ${aggregateOf(spec.aggregate, "y0")} AS v FROM base GROUP BY xk))`,
        "u AS (SELECT a.*, xs.xr, xs.nx FROM agg a JOIN xs ON a.xk IS NOT DISTINCT FROM xs.xk)",
      );
    }
    const n = categoryLimit;
    const keep = withOther ? `CASE WHEN nx > ${n} THEN ${n - 1} ELSE ${n} END` : `${n}`;
    const other = withOther
      ? ` UNION ALL SELECT NULL, 0, NULL, any_value(nx), 1, true, NULL, sum(y0) FROM u WHERE nx > ${n} AND xr >= ${n - 1} HAVING count(*) > 0`
      : "";
    select =
      `SELECT x_out, gi, gl, nx, ng, other, ${yOut} FROM (` +
      `SELECT ${xOut("xk")} AS x_out, gi, gl, nx, ng, false AS other, xr, ${yOut} FROM u WHERE xr < ${keep}${other}` +
      `) ORDER BY other, xr, gi`;
  }
  return {
    sql: `WITH ${ctes.join(",\n")}\n${select}`,
    mode,
    x: spec.x,
    y: yNames,
    group: groupIndex === null ? null : spec.group,
    xKind,
    aggregate: spec.aggregate,
    budget,
    groupLimit,
    categoryLimit,
    withOther,
  };
}

/** A display name to its position: the first column with that name, as the grid shows them left to right. */
function resolve(columns: ResultColumn[], name: string, role: string): number {
  const i = columns.findIndex((c) => c.name === name);
  if (i < 0) throw new UserError(`The chart's ${role} column "${name}" is not in this result. Choose another column.`);
  return i;
}

function aggregateOf(aggregate: Aggregate, y: string): string {
  if (aggregate === "count") return `CAST(count(${y}) AS DOUBLE)`;
  return `${aggregate}(${y})`;
}
