import { describe, expect, it } from "vitest";
import type { ChartSpec } from "@/lib/notebooks/types";
import type { ResultColumn } from "@/lib/results/types";
import { chartSql, SERIES_LIMIT } from "./chart-sql";

const table = `r_${"0".repeat(32)}`;
const columns: ResultColumn[] = [
  { name: "payment", type: "VARCHAR" },
  { name: "fare", type: "DECIMAL(38,10)" },
  { name: "picked_up", type: "TIMESTAMP" },
  { name: "fare", type: "DOUBLE" },
  { name: `x"; DROP TABLE users; --`, type: "BIGINT" },
  { name: "zone", type: "STRING" },
];

function spec(partial: Partial<ChartSpec>): ChartSpec {
  return { kind: "bar", x: "payment", y: ["fare"], group: null, aggregate: "sum", ...partial };
}

describe("chartSql", () => {
  it("refers to columns only by stored name, the first with a display name", () => {
    const plan = chartSql(table, columns, spec({ x: `x"; DROP TABLE users; --`, y: ["fare"], kind: "line" }), 10);
    expect(plan.sql).not.toContain("DROP");
    expect(plan.sql).not.toContain("fare");
    expect(plan.sql).toContain("t.c4 AS xk");
    expect(plan.sql).toContain("TRY_CAST(t.c1 AS DOUBLE) AS y0");
    expect(plan.sql).not.toContain("c3");
  });

  it("plots categories for bar charts of text and pies, ordered series otherwise", () => {
    expect(chartSql(table, columns, spec({}), 10).mode).toBe("categories");
    expect(chartSql(table, columns, spec({ kind: "pie" }), 10).mode).toBe("categories");
    expect(chartSql(table, columns, spec({ x: "picked_up" }), 10)).toMatchObject({ mode: "series", xKind: "temporal" });
    expect(chartSql(table, columns, spec({ kind: "line", aggregate: "avg" }), 10).mode).toBe("series");
    expect(chartSql(table, columns, spec({ kind: "scatter", aggregate: "none" }), 10).mode).toBe("raw");
  });

  it("samples every k-th row to stay within the budget", () => {
    const big = chartSql(table, columns, spec({ kind: "line", aggregate: "none" }), 1_000_000, 2000);
    expect(big.sql).toContain("t.rowid % 500 = 0");
    expect(big.sql).toContain("LIMIT 2000");
    expect(big.sql).toContain("t.c0 IS NOT NULL");
    expect(chartSql(table, columns, spec({ kind: "line", aggregate: "none" }), 1999, 2000).sql).toContain(
      "t.rowid % 1 = 0",
    );
    expect(chartSql(table, columns, spec({ kind: "line", aggregate: "none" }), 2001, 2000).sql).toContain(
      "t.rowid % 2 = 0",
    );
  });

  it("thins aggregated series by x rank", () => {
    const plan = chartSql(table, columns, spec({ kind: "area", x: "picked_up", aggregate: "max" }), 10, 300);
    expect(plan.sql).toContain("max(y0) AS y0");
    expect(plan.sql).toContain("xr % ((nx + 299) // 300) = 0");
  });

  it("sums the rest of a pie into Other only when values add up", () => {
    const sum = chartSql(table, columns, spec({ kind: "pie", y: ["fare", "zone"], group: "zone" }), 10);
    expect(sum).toMatchObject({ withOther: true, categoryLimit: 12, y: ["fare"], group: null });
    expect(sum.sql).toContain("UNION ALL");
    expect(sum.sql).not.toContain("top_g");
    expect(chartSql(table, columns, spec({ kind: "pie", aggregate: "count", y: ["zone"] }), 10).withOther).toBe(true);
    const avg = chartSql(table, columns, spec({ kind: "pie", aggregate: "avg" }), 10);
    expect(avg.withOther).toBe(false);
    expect(avg.sql).not.toContain("UNION ALL");
    expect(chartSql(table, columns, spec({}), 10, 40).categoryLimit).toBe(40);
  });

  it("keeps at most 20 series between groups and y columns", () => {
    const one = chartSql(table, columns, spec({ group: "zone" }), 10);
    expect(one.groupLimit).toBe(SERIES_LIMIT);
    expect(one.sql).toContain("JOIN top_g tg ON t.c5 IS NOT DISTINCT FROM tg.g");
    expect(
      chartSql(table, columns, spec({ group: "zone", y: ["fare", "picked_up"], aggregate: "count" }), 10),
    ).toMatchObject({ groupLimit: 10 });
    const many = Array.from({ length: SERIES_LIMIT + 1 }, () => "fare");
    expect(() => chartSql(table, columns, spec({ y: many }), 10)).toThrow(/at most 20 y columns/);
  });

  it("counts values of any type but plots only numbers", () => {
    expect(chartSql(table, columns, spec({ y: ["zone"], aggregate: "count" }), 10).sql).toContain(
      "CAST(count(y0) AS DOUBLE)",
    );
    expect(() => chartSql(table, columns, spec({ y: ["zone"] }), 10)).toThrow(
      '"zone" is not a number column (STRING): choose a number column for the y axis, or count its values.',
    );
    expect(() => chartSql(table, columns, spec({ y: ["picked_up"], aggregate: "none" }), 10)).toThrow(/not a number/);
  });

  it("reports columns that are not in the result", () => {
    expect(() => chartSql(table, columns, spec({ x: "gone" }), 10)).toThrow(
      `The chart's x axis column "gone" is not in this result.`,
    );
    expect(() => chartSql(table, columns, spec({ y: ["fare", "tip"] }), 10)).toThrow(/y axis column "tip"/);
    expect(() => chartSql(table, columns, spec({ group: "vendor" }), 10)).toThrow(/group column "vendor"/);
    expect(() => chartSql(table, columns, spec({ y: [] }), 10)).toThrow(/Choose a column for the y axis/);
  });

  it("refuses a bad table name, budget or row count", () => {
    expect(() => chartSql("r; DROP", columns, spec({}), 10)).toThrow(/not a result table/);
    expect(() => chartSql(table, columns, spec({}), 10, 1)).toThrow(/budget/);
    expect(() => chartSql(table, columns, spec({}), -1)).toThrow(/row count/);
  });
});
