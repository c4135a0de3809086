import { describe, expect, it } from "vitest";
import type { ExportFormat } from "@/lib/exports/formats";
import { exportCopySql, exportSelectList, rowRangeSql, uniqueNames } from "@/lib/server/runs/export-sql";

const columns = [
  { name: "id", type: "INTEGER" },
  { name: "big", type: "BIGINT" },
  { name: "amount", type: "DECIMAL(38,10)" },
  { name: "huge", type: "HUGEINT" },
  { name: "ratio", type: "DOUBLE" },
  { name: 'na"me', type: "VARCHAR" },
  { name: "id", type: "VARCHAR[]" },
];
const select = (format: ExportFormat, safe = false) => exportSelectList(columns, { format, bom: false, safe });

describe("export SQL", () => {
  it("leaves CSV values to DuckDB's writer, making only text columns safe on request", () => {
    expect(select("csv")).toBe("c0, c1, c2, c3, c4, c5, c6");
    expect(select("tsv", true)).toBe(
      "c0, c1, c2, c3, c4, CASE WHEN left(c5, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || c5 ELSE c5 END, c6",
    );
  });

  it("names JSON and Parquet columns uniquely, and keeps what a reader could round as text", () => {
    expect(select("json")).toBe(
      'c0 AS "id", CAST(c1 AS VARCHAR) AS "big", CAST(c2 AS VARCHAR) AS "amount", CAST(c3 AS VARCHAR) AS "huge", ' +
        'CASE WHEN isfinite(c4) THEN to_json(c4) ELSE to_json(CAST(c4 AS VARCHAR)) END AS "ratio", c5 AS "na""me", c6 AS "id_1"',
    );
    expect(select("parquet")).toBe(
      'c0 AS "id", c1 AS "big", c2 AS "amount", CAST(c3 AS VARCHAR) AS "huge", c4 AS "ratio", c5 AS "na""me", c6 AS "id_1"',
    );
    expect(uniqueNames(["a", "a", "a_1", "a"])).toEqual(["a", "a_1", "a_1_1", "a_2"]);
  });

  it("writes each format with DuckDB's COPY, the file name as a literal", () => {
    expect(exportCopySql("SELECT 1", "/tmp/it's.tsv", "tsv")).toBe(
      `COPY (SELECT 1) TO '/tmp/it''s.tsv' (FORMAT csv, DELIMITER '\\t', HEADER false, NEW_LINE '\\n', QUOTE '"', ESCAPE '"')`,
    );
    expect(exportCopySql("SELECT 1", "/tmp/a.parquet", "parquet")).toBe(
      "COPY (SELECT 1) TO '/tmp/a.parquet' (FORMAT parquet)",
    );
    expect(() => exportCopySql("SELECT 1", "/tmp/a", "xlsx")).toThrow();
    expect(rowRangeSql("c0", "r_x", 5, 10)).toBe("SELECT c0 FROM r_x WHERE rowid >= 5 AND rowid < 10");
    expect(() => rowRangeSql("c0", "r_x", -1, 10)).toThrow();
  });
});
