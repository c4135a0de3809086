import { describe, expect, it } from "vitest";
import { heldSettings, MAX_HELD_SETTINGS, settingChange } from "./settings";

describe("settingChange", () => {
  it.each([
    ["SET ansi_mode = false", { key: "ansi_mode", set: true }],
    ["  set  ANSI_MODE=false", { key: "ansi_mode", set: true }],
    ["/* why */ SET spark.sql.shuffle.partitions = 8", { key: "spark.sql.shuffle.partitions", set: true }],
    ["SET `odd key` = 1", { key: "`odd key`", set: true }],
    ["SET TIME ZONE 'UTC'", { key: "time zone", set: true }],
    ["SET TIME ZONE LOCAL", { key: "time zone", set: true }],
    ["RESET ansi_mode", { key: "ansi_mode", set: false }],
    ["RESET", { key: null, set: false }],
  ])("%s", (sql, change) => {
    expect(settingChange(sql, "databricks")).toEqual(change);
  });

  it.each([
    "SET",
    "SET -v",
    "SET ansi_mode",
    "SET VAR x = 1",
    "SET VARIABLE x = 1",
    "SELECT 1",
    "USE CATALOG main",
    "-- SET a = 1\nSELECT 1",
    "'SET a = 1'",
  ])("%s changes no setting", (sql) => {
    expect(settingChange(sql, "databricks")).toBeNull();
  });

  it("reads a 1 MiB statement of hostile text in one pass", () => {
    expect(settingChange(`SET ${"a.".repeat(512 * 1024)} = 1`, "databricks")).toBeNull();
    expect(settingChange(`SET a = '${"/*".repeat(512 * 1024)}`, "databricks")).toEqual({ key: "a", set: true });
    expect(settingChange(`RESET ${"-".repeat(1024 * 1024)}`, "databricks")).not.toBeNull();
  });
});

describe("heldSettings", () => {
  it("keeps each key's last SET, in the order last set", () => {
    expect(
      heldSettings(["SET a = 1", "SET b = 2"], ["SELECT 1", "SET A = 3", "SET c = 4", "SET ansi_mode"], "databricks"),
    ).toEqual(["SET b = 2", "SET A = 3", "SET c = 4"]);
  });

  it("forgets a key on RESET key, and every key on RESET", () => {
    expect(heldSettings(["SET a = 1", "SET b = 2"], ["RESET a"], "databricks")).toEqual(["SET b = 2"]);
    expect(heldSettings(["SET a = 1", "SET b = 2"], ["RESET", "SET c = 3"], "databricks")).toEqual(["SET c = 3"]);
  });

  it("holds a bounded number of bounded settings", () => {
    const many = Array.from({ length: 100 }, (_, i) => `SET k${i} = ${i}`);
    const held = heldSettings([], many, "databricks");
    expect(held).toHaveLength(MAX_HELD_SETTINGS);
    expect(held[0]).toBe("SET k0 = 0");
    expect(heldSettings([], [`SET big = '${"x".repeat(5000)}'`], "databricks")).toEqual([]);
    // A long setting replaces the key's earlier value (the session no longer has it), and is not kept.
    expect(heldSettings(["SET big = 1"], [`SET big = '${"x".repeat(5000)}'`], "databricks")).toEqual([]);
  });
});
