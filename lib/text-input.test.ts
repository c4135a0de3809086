import { describe, expect, it } from "vitest";
import { containsNul } from "./text-input";

describe("containsNul", () => {
  it("finds a NUL in any string, key or nesting", () => {
    expect(containsNul("a\0b")).toBe(true);
    expect(containsNul({ a: [1, { b: "x\0" }] })).toBe(true);
    expect(containsNul({ "k\0": 1 })).toBe(true);
    expect(containsNul({ a: ["x", { b: "y" }], c: null, d: 3 })).toBe(false);
  });

  it("walks a deep or wide input without recursion", () => {
    let deep: unknown = "end\0";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(containsNul(deep)).toBe(true);
    expect(containsNul(Array.from({ length: 200_000 }, (_, i) => String(i)))).toBe(false);
  });
});
