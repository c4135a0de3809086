import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, startOfDay, titleFromSql, validTimeZone } from "./history";
import { historyFiltersInput } from "./schemas/history";

describe("history helpers", () => {
  it("finds the instant a day starts in the viewer's time zone, across DST changes", () => {
    expect(startOfDay("2026-03-10", "UTC").toISOString()).toBe("2026-03-10T00:00:00.000Z");
    expect(startOfDay("2026-03-10", "UTC", 1).toISOString()).toBe("2026-03-11T00:00:00.000Z");
    expect(startOfDay("2026-01-15", "America/New_York").toISOString()).toBe("2026-01-15T05:00:00.000Z");
    expect(startOfDay("2026-07-15", "America/New_York").toISOString()).toBe("2026-07-15T04:00:00.000Z");
    // The day after the spring change starts at the new offset.
    expect(startOfDay("2026-03-08", "America/New_York", 1).toISOString()).toBe("2026-03-09T04:00:00.000Z");
    expect(startOfDay("2026-06-01", "Asia/Kolkata").toISOString()).toBe("2026-05-31T18:30:00.000Z");
    expect(startOfDay("2026-12-31", "UTC", 1).toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });

  it("falls back to UTC for an unknown time zone", () => {
    expect(validTimeZone("Europe/Paris")).toBe("Europe/Paris");
    expect(validTimeZone("Mars/Olympus")).toBe("UTC");
    expect(validTimeZone(undefined)).toBe("UTC");
  });

  it("round-trips page cursors and refuses forged ones", () => {
    const cursor = encodeCursor({ startedAt: "2026-11-25T06:08:43.123Z", id: "ab".repeat(16) });
    expect(decodeCursor(cursor)).toEqual({ startedAt: "2026-11-25T06:08:43.123Z", id: "ab".repeat(16) });
    expect(decodeCursor("x")).toBeNull();
    expect(decodeCursor("2026-11-25T06:08:43.123Z_a'b")).toBeNull();
  });

  it("reads filters from a URL, dropping values that make no sense", () => {
    expect(
      historyFiltersInput.parse({ status: "failed", q: "select", from: "2026-01-01", to: "junk", connection: "" }),
    ).toEqual({ status: "failed", q: "select", from: "2026-01-01" });
    expect(historyFiltersInput.parse({ status: ["cancelled", "failed"], user: "u1" })).toEqual({
      status: "cancelled",
      user: "u1",
    });
    expect(historyFiltersInput.parse({ status: "<script>" })).toEqual({});
  });

  it("titles a reopened entry from its first line of SQL", () => {
    expect(titleFromSql("-- note\n  SELECT 1\nFROM x")).toBe("History: SELECT 1");
    expect(titleFromSql("   ")).toBe("From history");
    expect(titleFromSql(`SELECT ${"x".repeat(60)}`)).toHaveLength("History: ".length + 41);
  });
});
