import { describe, expect, it } from "vitest";
import { HOSTILE_SQL } from "@/tests/support/hostile-sql";
import { changesSession, isQuery, leadingKeyword } from "./statement-kind";

describe("leadingKeyword", () => {
  it("skips blanks, comments and opening parentheses, and upper-cases the word", () => {
    expect(leadingKeyword(" -- a\n /* b /* c */ */ ((select 1))", "duckdb")).toBe("SELECT");
    expect(leadingKeyword("/* x */ Insert into t values (1)", "databricks")).toBe("INSERT");
    expect(leadingKeyword("'select'", "duckdb")).toBe("");
    expect(leadingKeyword("-- only a comment", "duckdb")).toBe("");
    expect(leadingKeyword("", "databricks")).toBe("");
  });

  it("does not take a word hidden in a nested comment", () => {
    expect(leadingKeyword("/* a /* b */ select */ delete from t", "duckdb")).toBe("DELETE");
  });
});

describe("isQuery", () => {
  it("accepts statements that only read", () => {
    for (const sql of [
      "select 1",
      "  (SELECT 1) union (select 2)",
      "from t",
      "VALUES (1)",
      "table t",
      "show tables",
      "describe t",
      "summarize t",
      "pivot t on a using sum(b)",
      "-- note\nselect 'insert' as x",
      "with a as (select 1) select * from a",
      'with "update" as (select 1) select * from "update"',
      "with a as (select 1 as `delete`) select `delete` from a",
    ]) {
      expect(isQuery(sql, "duckdb") || isQuery(sql, "databricks"), sql).toBe(true);
    }
  });

  it("refuses statements that change data or anything else", () => {
    for (const sql of [
      "insert into t values (1)",
      "update t set a = 1",
      "delete from t",
      "create table t as select 1",
      "with a as (select 1) insert into t select * from a",
      "WITH a AS (SELECT 1) MERGE INTO t USING a ON true WHEN MATCHED THEN DELETE",
      "(with a as (select 1) insert into t select * from a)",
      "/* select */ drop table t",
      "'select'",
      "",
      "-- select",
    ]) {
      expect(isQuery(sql, "duckdb"), sql).toBe(false);
      expect(isQuery(sql, "databricks"), sql).toBe(false);
    }
  });

  it("reads words, not text: INSERT in a string, a comment or a nested query does not count", () => {
    expect(isQuery("with a as (select 'insert') select * from a -- delete", "duckdb")).toBe(true);
    expect(isQuery("with a as (select 1 /* update */) select * from a", "databricks")).toBe(true);
  });
});

describe("changesSession", () => {
  it("knows the statements that change the session for the statements after them", () => {
    for (const sql of [
      "USE CATALOG samples",
      "/* x */ use schema nyctaxi",
      "SET spark.sql.ansi.enabled = false",
      "RESET",
      "DECLARE VARIABLE v INT",
      "CREATE TEMPORARY VIEW v AS SELECT 1",
      "create or replace temp view v as select 1",
    ]) {
      expect(changesSession(sql, "databricks"), sql).toBe(true);
    }
    for (const sql of [
      "SELECT 'USE CATALOG x'",
      "-- USE x\nSELECT 1",
      "CREATE VIEW temp AS SELECT 1",
      "CREATE TABLE t (temporary INT)",
      "INSERT INTO t VALUES (1)",
      "",
    ]) {
      expect(changesSession(sql, "databricks"), sql).toBe(false);
    }
  });
});

describe("statement kinds on 1 MiB hostile inputs", () => {
  for (const [name, sql] of Object.entries(HOSTILE_SQL)) {
    it(name, { timeout: 10_000 }, () => {
      for (const dialect of ["duckdb", "databricks"] as const) {
        expect(isQuery(sql, dialect)).toBe(false);
        expect(isQuery(`WITH a AS (SELECT 1) SELECT ${sql}`, dialect)).toBeTypeOf("boolean");
        expect(leadingKeyword(sql, dialect)).toBeTypeOf("string");
        expect(changesSession(sql, dialect)).toBeTypeOf("boolean");
        expect(changesSession(`CREATE OR REPLACE ${sql}`, dialect)).toBeTypeOf("boolean");
      }
    });
  }
});
