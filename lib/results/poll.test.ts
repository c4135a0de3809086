import { describe, expect, it } from "vitest";
import { hasNews, pollDelay } from "./poll";
import type { RunView } from "./types";

const view: RunView = {
  id: "r",
  status: "running",
  waiting: false,
  columns: [],
  rowCount: 10,
  truncated: false,
  truncatedBy: null,
  resultRemoved: null,
  message: null,
  statementCount: 1,
  statements: [],
  place: null,
  parameters: [],
  ranAs: null,
  error: null,
  startedAt: "2026-01-01T00:00:00.000Z",
  elapsedMs: 5,
  firstPageMs: null,
};

describe("status polls", () => {
  it("wait longer and longer after answers that came at once, up to a cap", () => {
    const delays = Array.from({ length: 12 }, (_, quick) => pollDelay(quick));
    expect(delays.slice(0, 3)).toEqual([0, 0, 0]);
    expect(delays.slice(3, 8)).toEqual([250, 500, 1000, 2000, 4000]);
    expect(delays.slice(8)).toEqual([5000, 5000, 5000, 5000]);
  });

  it("see news in the status, the rows, the message and the wait, and nothing else", () => {
    expect(hasNews(view, { ...view, elapsedMs: 900 })).toBe(false);
    expect(hasNews(view, { ...view, rowCount: 11 })).toBe(true);
    expect(hasNews(view, { ...view, status: "succeeded" })).toBe(true);
    expect(hasNews(view, { ...view, message: "Waiting for a free slot: 1 ahead." })).toBe(true);
    expect(hasNews(view, { ...view, waiting: true })).toBe(true);
  });
});
