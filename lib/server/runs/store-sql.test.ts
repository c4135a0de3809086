import { describe, expect, it } from "vitest";
import {
  cellSql,
  createTableSql,
  csvSegmentSql,
  moveStageSql,
  pageSql,
  pageValuesSql,
  resultTable,
  sortIndexSql,
  sortIndexTable,
  stageTable,
  storedColumnName,
} from "@/lib/server/runs/store-sql";

const id = "0123456789abcdef0123456789abcdef";
const RUN = id;
const table = `r_${id}`;

describe("resultTable", () => {
  it("names a run's table after its id", () => {
    expect(resultTable(id)).toBe(table);
    expect(resultTable("f".repeat(32))).toBe(`r_${"f".repeat(32)}`);
  });

  it("rejects anything but 32 lowercase hex characters", () => {
    for (const bad of [
      "",
      "../x",
      id.toUpperCase(),
      id.slice(1),
      `${id}0`,
      `${id.slice(0, 31)}g`,
      ` ${id.slice(1)}`,
      `${id}\n`,
      `${id.slice(0, 20)}; DROP TABLE x`,
      "0123456789abcdef' OR '1'='1'--abc",
      "0123456789abcdef0123456789abcde/",
    ]) {
      expect(() => resultTable(bad), JSON.stringify(bad)).toThrow("invalid run id");
    }
  });
});

describe("createTableSql", () => {
  it("stores columns as c0…cN with the engine's types", () => {
    expect(storedColumnName(0)).toBe("c0");
    expect(storedColumnName(12)).toBe("c12");
    expect(createTableSql(table, ["BIGINT", "DECIMAL(38,10)", 'STRUCT("a" INTEGER)'])).toBe(
      `CREATE TABLE ${table} (c0 BIGINT, c1 DECIMAL(38,10), c2 STRUCT("a" INTEGER))`,
    );
  });
});

describe("stages", () => {
  it("stage a result's rows in the in-memory staging database, numbered", () => {
    expect(stageTable(table, 3)).toEqual({
      catalog: "staging",
      name: `s_${table}_3`,
      qualified: `staging.s_${table}_3`,
    });
    expect(() => stageTable(table, -1)).toThrow();
    expect(() => stageTable(table, 1.5)).toThrow();
  });

  it("move a stage to the end of the result table and drop it", () => {
    expect(moveStageSql(`staging.s_${table}_0`, table)).toBe(
      `INSERT INTO ${table} SELECT * FROM staging.s_${table}_0; DROP TABLE staging.s_${table}_0`,
    );
  });
});

describe("pageSql", () => {
  it("reads a page in stored order by seeking a rowid range", () => {
    expect(pageSql(table, ["VARCHAR", "BLOB"], { offset: 9_999_000, limit: 1000 }, 500)).toBe(
      `SELECT rowid, left(CAST(c0 AS VARCHAR), 501), left(CAST(c1 AS VARCHAR), 501) FROM ${table} ` +
        "WHERE rowid >= 9999000 AND rowid < 10000000 ORDER BY rowid",
    );
  });

  it("treats a null sort like no sort", () => {
    expect(pageSql(table, ["VARCHAR"], { offset: 0, limit: 100 }, 10, null)).toBe(
      pageSql(table, ["VARCHAR"], { offset: 0, limit: 100 }, 10),
    );
  });

  it("reads a sorted page as a rowid range of the sort's index, joined to the rows it names", () => {
    const index = sortIndexTable(RUN, { column: 2, direction: "desc" });
    expect(pageSql(table, ["VARCHAR", "INTEGER[]"], { offset: 200, limit: 100 }, 10, index)).toBe(
      "SELECT t.rowid, left(CAST(t.c0 AS VARCHAR), 11), left(CAST(t.c1 AS VARCHAR), 11) " +
        `FROM (SELECT src, rowid AS pos FROM ${index} WHERE rowid >= 200 AND rowid < 300) o ` +
        `JOIN ${table} t ON t.rowid = o.src ORDER BY o.pos`,
    );
  });

  it("cuts values at one character more than the clip length", () => {
    expect(pageSql(table, ["VARCHAR"], { offset: 0, limit: 1 }, 0)).toContain("left(CAST(c0 AS VARCHAR), 1)");
    expect(pageSql(table, ["VARCHAR"], { offset: 0, limit: 1 }, 4096)).toContain("left(CAST(c0 AS VARCHAR), 4097)");
  });

  it("cuts only values whose text can be long: numbers, booleans and times are read whole", () => {
    const long = ["VARCHAR", "BLOB", "BIGNUM", "VARINT", "STRUCT(a INTEGER)", "INTEGER[]", "MAP(VARCHAR, INTEGER)"];
    const more = ["ENUM('a', 'b')", "UUID", "JSON", "BIT", "INTEGER[3]"];
    const short = ["BIGINT", "HUGEINT", "DECIMAL(38,10)", "DOUBLE", "BOOLEAN", "DATE", "TIMESTAMP", "TIME", "INTERVAL"];
    const zoned = ["TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS"];
    const types = [...long, ...more, ...short, ...zoned];
    const cut = long.length + more.length;
    expect(pageValuesSql(types, 10)).toEqual(
      types.map((_, i) => (i < cut ? `left(CAST(c${i} AS VARCHAR), 11)` : `CAST(c${i} AS VARCHAR)`)),
    );
  });

  it("selects only rowid for a result without columns", () => {
    expect(pageSql(table, [], { offset: 0, limit: 10 }, 10)).toMatch(/^SELECT rowid FROM /);
  });

  it("rejects negative, fractional or unsafe offsets and limits", () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(() => pageSql(table, ["VARCHAR"], { offset: bad, limit: 10 }, 10)).toThrow(/not a row position/);
      expect(() => pageSql(table, ["VARCHAR"], { offset: 0, limit: bad }, 10)).toThrow(/not a row position/);
    }
  });
});

describe("sort indexes", () => {
  it("sort once, NULLs last and ties in stored order, into a table named by run, column and direction", () => {
    const sort = { column: 2, direction: "desc" as const };
    const index = sortIndexTable(RUN, sort);
    expect(index).toBe(`o_${RUN}_2_d`);
    expect(sortIndexTable(RUN, { column: 0, direction: "asc" })).toBe(`o_${RUN}_0_a`);
    expect(sortIndexSql(table, index, sort)).toBe(
      `CREATE TABLE IF NOT EXISTS ${index} AS SELECT rowid AS src FROM ${table} ORDER BY c2 DESC NULLS LAST, rowid`,
    );
  });

  it("rejects a sort column that is not a column index, and a forged run id", () => {
    for (const column of [-1, 0.5, Number.NaN]) {
      expect(() => sortIndexTable(RUN, { column, direction: "asc" })).toThrow(/not a row position/);
    }
    expect(() => sortIndexTable("x; DROP TABLE y", { column: 0, direction: "asc" })).toThrow(/invalid run id/);
  });

  it("cannot be steered into SQL through a direction it does not know", () => {
    const sort = { column: 0, direction: "asc; DROP TABLE x" as "asc" };
    expect(sortIndexTable(RUN, sort)).toBe(`o_${RUN}_0_a`);
    expect(sortIndexSql(table, "o_x", sort)).toContain("ORDER BY c0 ASC NULLS LAST");
  });
});

describe("cellSql", () => {
  it("reads one cell's full text by row number", () => {
    expect(cellSql(table, 9_999_999, 3)).toBe(`SELECT CAST(c3 AS VARCHAR) FROM ${table} WHERE rowid = 9999999`);
  });

  it("rejects a bad row or column", () => {
    expect(() => cellSql(table, -1, 0)).toThrow(/not a row position/);
    expect(() => cellSql(table, 0.5, 0)).toThrow(/not a row position/);
    expect(() => cellSql(table, 0, -2)).toThrow(/not a row position/);
  });
});

describe("csvSegmentSql", () => {
  it("copies a rowid range in stored order with RFC 4180 options", () => {
    expect(csvSegmentSql(table, 0, 1_000_000, "/tmp/seg-0.csv")).toBe(
      `COPY (SELECT * FROM ${table} WHERE rowid >= 0 AND rowid < 1000000) TO '/tmp/seg-0.csv' ` +
        `(FORMAT csv, HEADER false, NEW_LINE '\\r\\n', QUOTE '"', ESCAPE '"')`,
    );
  });

  it("escapes single quotes in the file path", () => {
    const sql = csvSegmentSql(table, 0, 10, "/tmp/it's/x'; DROP TABLE y; --.csv");
    expect(sql).toContain(" TO '/tmp/it''s/x''; DROP TABLE y; --.csv' (FORMAT csv");
  });

  it("rejects a bad row range", () => {
    expect(() => csvSegmentSql(table, -1, 10, "/tmp/x.csv")).toThrow(/not a row position/);
    expect(() => csvSegmentSql(table, 0, 10.5, "/tmp/x.csv")).toThrow(/not a row position/);
  });
});
