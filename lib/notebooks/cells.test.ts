import { describe, expect, it } from "vitest";
import { cellsToRun, changeKind, duplicateCell, insertCell, moveCell, newCell, removeCell } from "./cells";

const a = newCell("markdown", "# A", "a");
const b = newCell("sql", "SELECT 1", "b");
const c = newCell("sql", "SELECT 2", "c");
const ids = (cells: { id: string }[]) => cells.map((x) => x.id).join("");

describe("notebook cell edits", () => {
  it("inserts at a position, clamped to the ends", () => {
    const d = newCell("sql", "", "d");
    expect(ids(insertCell([a, b, c], 1, d))).toBe("adbc");
    expect(ids(insertCell([a, b], -5, d))).toBe("dab");
    expect(ids(insertCell([a, b], 99, d))).toBe("abd");
  });

  it("moves a cell up and down, never past the ends", () => {
    expect(ids(moveCell([a, b, c], "c", -1))).toBe("acb");
    expect(ids(moveCell([a, b, c], "a", 1))).toBe("bac");
    expect(moveCell([a, b, c], "a", -1)).toEqual([a, b, c]);
    expect(moveCell([a, b, c], "c", 1)).toEqual([a, b, c]);
    expect(moveCell([a, b, c], "missing", 1)).toEqual([a, b, c]);
  });

  it("duplicates below the original with a new id and the same text and chart", () => {
    const charted = { ...b, chart: { kind: "bar" as const, x: "k", y: ["v"], group: null, aggregate: "sum" as const } };
    const out = duplicateCell([a, charted, c], "b", "b2");
    expect(ids(out)).toBe("abb2c");
    expect(out[2]).toEqual({ ...charted, id: "b2" });
  });

  it("removes a cell and leaves the others in order", () => {
    expect(ids(removeCell([a, b, c], "b"))).toBe("ac");
  });

  it("turning SQL into Markdown drops its connection and chart but keeps its text", () => {
    const sql = {
      ...b,
      connectionId: "x",
      chart: { kind: "pie" as const, x: "k", y: ["v"], group: null, aggregate: "sum" as const },
    };
    expect(changeKind([sql], "b", "markdown")[0]).toEqual({ ...b, kind: "markdown", connectionId: null, chart: null });
  });

  it("runs all, above or below a cell: only SQL cells with text", () => {
    const empty = newCell("sql", "  ", "e");
    expect(ids(cellsToRun([a, b, empty, c], "all"))).toBe("bc");
    expect(ids(cellsToRun([a, b, empty, c], "above", "c"))).toBe("b");
    expect(ids(cellsToRun([a, b, empty, c], "below", "b"))).toBe("bc");
  });
});
