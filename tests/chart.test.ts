import { beforeAll, describe, expect, it } from "vitest";
import type { ChartSpec } from "@/lib/notebooks/types";
import type { RunView } from "@/lib/results/types";
import { prepareTempDataDir } from "./support/env";
import { createTestUser } from "./support/users";

prepareTempDataDir(1_000);

const runs = await import("@/lib/server/runs/runs");
const { runtime } = await import("@/lib/server/runtime");
const { chartData } = await import("@/lib/server/runs/chart");
const rt = await runtime();
const me = await createTestUser();

async function run(sql: string): Promise<RunView> {
  const started = await runs.startRun(me, { sql, connectionId: "builtin", lane: "chart", pageSize: 10 }, rt.engine);
  let view = started.run;
  while (view.status === "running") view = await runs.runState(me, view.id, view.rowCount, 1000);
  expect(view.status).toBe("succeeded");
  return view;
}

function spec(partial: Partial<ChartSpec> & Pick<ChartSpec, "x" | "y">): ChartSpec {
  return { kind: "bar", group: null, aggregate: "none", ...partial };
}

// One million rows: n, a 1000-value text key, a 5-value payment, a DECIMAL fare, a BIGINT, a timestamp.
const BIG = `SELECT range AS n, 'k' || lpad((range % 1000)::VARCHAR, 3, '0') AS k3, 'p' || (range % 5) AS payment,
  ((range % 100)::DECIMAL(18,2) / 4)::DECIMAL(18,2) AS fare, range * 1000000000000 AS big,
  TIMESTAMP '2024-01-01' + to_seconds(range) AS at
  FROM range(1000000)`;
let big: RunView;

beforeAll(async () => {
  big = await run(BIG);
  expect(big.rowCount).toBe(1_000_000);
}, 120_000);

describe("charts of a stored result", () => {
  it("sums a 1M-row result by category, largest first, within the budget", async () => {
    const data = await chartData(rt.store, big, spec({ x: "k3", y: ["n"], aggregate: "sum" }), 50);
    expect(data.points).toHaveLength(50);
    // n ≡ r (mod 1000) sums to 1000·r + 1000·(0+…+999)·1000/1000.
    expect(data.points[0]).toEqual({ x: "k999", y: [999_000 + 499_500_000] });
    expect(data.points[49]).toEqual({ x: "k950", y: [950_000 + 499_500_000] });
    expect(data.cut).toEqual({ how: "top", shown: 50, of: 1000, unit: "categories" });
    const fares = await chartData(rt.store, big, spec({ x: "payment", y: ["fare"], aggregate: "sum" }));
    // Payment j gets fares (j, j+5, …, j+95)/4, each 10,000 times.
    expect(fares.points.map((p) => [p.x, p.y[0]])).toEqual(
      [4, 3, 2, 1, 0].map((j) => [`p${j}`, 2500 * (20 * j + 950)]),
    );
    expect(fares.cut).toBeNull();
    expect(fares.series).toEqual(["fare"]);
  });

  it("samples a big line chart to the budget, ordered by x", async () => {
    const data = await chartData(rt.store, big, spec({ kind: "line", x: "n", y: ["n"] }), 2000);
    expect(data.xKind).toBe("number");
    expect(data.points).toHaveLength(2000);
    const xs = data.points.map((p) => p.x as number);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(xs.slice(0, 3)).toEqual([0, 500, 1000]);
    expect(data.points[3].y).toEqual([1500]);
    expect(data.cut).toEqual({ how: "sampled", shown: 2000, of: 1_000_000, unit: "rows" });
  });

  it("thins an aggregated time series to the budget, keeping time order", async () => {
    const data = await chartData(rt.store, big, spec({ kind: "area", x: "at", y: ["n"], aggregate: "max" }), 1000);
    expect(data.xKind).toBe("temporal");
    expect(data.points).toHaveLength(1000);
    expect(data.points[0]).toEqual({ x: "2024-01-01 00:00:00", y: [0] });
    expect(data.points[1]).toEqual({ x: "2024-01-01 00:16:40", y: [1000] });
    expect(data.cut).toEqual({ how: "sampled", shown: 1000, of: 1_000_000, unit: "x values" });
  });

  it("draws one series per group, at most 20", async () => {
    const data = await chartData(
      rt.store,
      big,
      spec({ kind: "line", x: "payment", y: ["n"], group: "k3", aggregate: "count" }),
    );
    expect(data.series).toHaveLength(20);
    // Every k3 has 1000 rows: ties go to the smaller value.
    expect(data.series.slice(0, 2)).toEqual(["k000", "k001"]);
    expect(data.hiddenSeries).toBe(980);
    // k000 rows are multiples of 1000, so all have payment p0.
    expect(data.points.map((p) => p.x)).toEqual(["p0", "p1", "p2", "p3", "p4"]);
    expect(data.points[0].y[0]).toBe(1000);
    expect(data.points[1].y[0]).toBeNull();
    expect(data.points[1].y[1]).toBe(1000);

    const two = await chartData(
      rt.store,
      big,
      spec({ x: "payment", y: ["n", "fare"], group: "payment", aggregate: "min" }),
    );
    expect(two.series.slice(0, 2)).toEqual(["p0 · n", "p0 · fare"]);
    expect(two.points).toHaveLength(5);
    expect(two.points.find((p) => p.x === "p3")?.y.slice(6, 8)).toEqual([3, 0.75]);
  });

  it("draws a pie of the largest slices and sums the rest as Other", async () => {
    const data = await chartData(rt.store, big, spec({ kind: "pie", x: "k3", y: ["k3"], aggregate: "count" }));
    expect(data.points).toHaveLength(12);
    expect(data.points.slice(0, 11).map((p) => p.x)).toEqual(
      Array.from({ length: 11 }, (_, i) => `k${String(i).padStart(3, "0")}`),
    );
    expect(data.points[11]).toEqual({ x: null, y: [989_000], other: true });
    expect(data.points.reduce((sum, p) => sum + (p.y[0] ?? 0), 0)).toBe(1_000_000);
    expect(data.cut).toEqual({ how: "top", shown: 11, of: 1000, unit: "categories" });
    const few = await chartData(rt.store, big, spec({ kind: "pie", x: "payment", y: ["fare"], aggregate: "avg" }));
    expect(few.points.map((p) => p.x)).toEqual(["p4", "p3", "p2", "p1", "p0"]);
    expect(few.points[0].y[0]).toBeCloseTo(12.875);
  });

  it("draws a pie of plain rows in result order", async () => {
    const rows = await run("SELECT 'z' || range AS name, range AS v FROM range(20) ORDER BY range DESC");
    const data = await chartData(rt.store, rows, spec({ kind: "pie", x: "name", y: ["v"] }));
    expect(data.points.slice(0, 11).map((p) => p.x)).toEqual(Array.from({ length: 11 }, (_, i) => `z${19 - i}`));
    expect(data.points[11]).toEqual({ x: null, y: [36], other: true });
    expect(data.cut).toEqual({ how: "first", shown: 11, of: 20, unit: "rows" });
  });

  it("plots DECIMAL(38,10), BIGINT and HUGEINT values as approximate numbers", async () => {
    const tricky = await run("SELECT label, big_id, amount, huge FROM samples.demo.tricky_values ORDER BY id");
    const data = await chartData(rt.store, tricky, spec({ x: "label", y: ["big_id", "amount", "huge"] }));
    expect(data.points[0]).toEqual({
      x: "above 2^53",
      y: [Number("9007199254740993"), Number("1234567890123456789012345678.0123456789"), 2 ** 127],
    });
    expect(data.points[6]).toEqual({ x: "null", y: [null, null, null] });
    const sums = await chartData(rt.store, big, spec({ kind: "line", x: "payment", y: ["big"], aggregate: "sum" }));
    // 200,000 values of up to 10^18 each: far past BIGINT, fine as a DOUBLE.
    expect(sums.points[0].y[0]).toBeCloseTo((1e12 * 5 * (199_999 * 200_000)) / 2, -12);
  });

  it("keeps NULL as a category and leaves NULL x off an ordered axis", async () => {
    const small = await run(
      "SELECT * FROM (VALUES ('a', 1, 10), (NULL, 2, 20), ('a', NULL, 30), (NULL, NULL, NULL), ('b', 3, NULL)) v(cat, val, pos)",
    );
    const bars = await chartData(rt.store, small, spec({ x: "cat", y: ["val"], aggregate: "sum" }));
    expect(bars.points).toEqual([
      { x: "b", y: [3] },
      { x: null, y: [2] },
      { x: "a", y: [1] },
    ]);
    const line = await chartData(rt.store, small, spec({ kind: "line", x: "pos", y: ["val"] }));
    expect(line.points).toEqual([
      { x: 10, y: [1] },
      { x: 20, y: [2] },
      { x: 30, y: [null] },
    ]);
    const counted = await chartData(rt.store, small, spec({ x: "cat", y: ["val"], aggregate: "count" }));
    expect(counted.points.map((p) => p.y[0])).toEqual([1, 1, 1]);
  });

  it("counts the values of a text column", async () => {
    const data = await chartData(rt.store, big, spec({ x: "payment", y: ["k3"], aggregate: "count" }));
    expect(data.points.map((p) => p.y[0])).toEqual([200_000, 200_000, 200_000, 200_000, 200_000]);
    expect(data.points.map((p) => p.x)).toEqual(["p0", "p1", "p2", "p3", "p4"]);
  });

  it("reports a missing column or a text y clearly", async () => {
    await expect(chartData(rt.store, big, spec({ x: "nope", y: ["n"] }))).rejects.toThrow(
      'The chart\'s x axis column "nope" is not in this result.',
    );
    await expect(chartData(rt.store, big, spec({ x: "n", y: ["k3"], aggregate: "sum" }))).rejects.toThrow(
      /"k3" is not a number column \(VARCHAR\)/,
    );
  });

  it("uses the first of repeated column names", async () => {
    const repeated = await run("SELECT 'x' AS a, 1 AS v, 2 AS v");
    const data = await chartData(rt.store, repeated, spec({ x: "a", y: ["v"] }));
    expect(data.points).toEqual([{ x: "x", y: [1] }]);
  });
});
