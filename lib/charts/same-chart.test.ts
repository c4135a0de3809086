import { describe, expect, it } from "vitest";
import type { ChartSpec } from "@/lib/notebooks/types";
import { sameChart } from "./same-chart";

const bar: ChartSpec = { kind: "bar", x: "payment_type", y: ["trips", "fares"], group: null, aggregate: "sum" };

describe("sameChart", () => {
  it("compares field by field, whatever the order of the keys", () => {
    const reordered = JSON.parse(
      '{"x":"payment_type","y":["trips","fares"],"kind":"bar","group":null,"aggregate":"sum"}',
    );
    expect(sameChart(bar, reordered)).toBe(true);
    expect(sameChart(null, undefined)).toBe(true);
    expect(sameChart(bar, null)).toBe(false);
    expect(sameChart(null, bar)).toBe(false);
    expect(sameChart(bar, { ...bar, y: ["fares", "trips"] })).toBe(false);
    expect(sameChart(bar, { ...bar, y: ["trips"] })).toBe(false);
    expect(sameChart(bar, { ...bar, group: "vendor_id" })).toBe(false);
    expect(sameChart(bar, { ...bar, kind: "line" })).toBe(false);
    expect(sameChart(bar, { ...bar, aggregate: "avg" })).toBe(false);
  });
});
