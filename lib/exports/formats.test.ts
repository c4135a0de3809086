import { describe, expect, it } from "vitest";
import { exportFileName, exportOptions, exportQuery } from "./formats";
import { exportHead } from "./header";
import { cellKind, excelCell, excelText, excelUnescape } from "./xlsx-cells";

describe("export options", () => {
  it("reads a format and the CSV options from a query string, refusing formats not ours", () => {
    expect(exportOptions(new URLSearchParams(""))).toEqual({ format: "csv", bom: false, safe: false });
    expect(exportOptions(new URLSearchParams("format=tsv&bom=1&safe=1"))).toEqual({
      format: "tsv",
      bom: true,
      safe: true,
    });
    // The CSV options mean nothing to other formats.
    expect(exportOptions(new URLSearchParams("format=parquet&bom=1&safe=1"))).toEqual({
      format: "parquet",
      bom: false,
      safe: false,
    });
    for (const bad of ["xls", "CSV", "csv ", "../csv", "constructor", "toString", "%00", "x".repeat(1 << 20)]) {
      expect(exportOptions(new URLSearchParams({ format: bad }))).toBeNull();
    }
    const options = { format: "csv", bom: true, safe: true } as const;
    expect(exportOptions(new URLSearchParams(exportQuery(options)))).toEqual(options);
  });

  it("names the file after the query, with the format's extension", () => {
    const now = new Date("2024-03-05T07:08:09.123Z");
    expect(exportFileName("select * from trips", now, "parquet")).toBe("select_from_trips_20240305T070809Z.parquet");
    expect(exportFileName("select 1", now, "xlsx")).toBe("select_1_20240305T070809Z.xlsx");
    expect(exportFileName("'; rm -rf /", now, "json")).toMatch(/^[A-Za-z0-9_]+_20240305T070809Z\.json$/);
  });

  it("writes the header rows: a BOM when asked, TSV quoting as DuckDB's writer", () => {
    const names = ["a", 'b"c', "d\te", "é"];
    expect(exportHead(names, { format: "csv", bom: true, safe: false })).toBe('\uFEFFa,"b""c",d\te,é\r\n');
    expect(exportHead(names, { format: "tsv", bom: false, safe: false })).toBe('a\t"b""c"\t"d\te"\té\n');
    expect(exportHead(names, { format: "json", bom: false, safe: false })).toBe("[\n");
    expect(exportHead(names, { format: "parquet", bom: false, safe: false })).toBe("");
  });
});

describe("Excel cells", () => {
  it("keeps numbers only where Excel holds every digit", () => {
    expect(cellKind("DECIMAL(38,10)")).toBe("exact");
    expect(cellKind("BIGINT")).toBe("exact");
    expect(cellKind("INTEGER")).toBe("number");
    expect(cellKind("TIMESTAMP")).toBe("text");
    expect(cellKind("VARCHAR[]")).toBe("text");
    expect(excelCell("exact", "123456789012345").value).toBe(123456789012345);
    expect(excelCell("exact", "1234567890123456").value).toBe("1234567890123456");
    expect(excelCell("exact", "9007199254740993").value).toBe("9007199254740993");
    expect(excelCell("exact", "0.0000000001").value).toBe(1e-10);
    expect(excelCell("exact", "42.4200000000").value).toBe(42.42);
    expect(excelCell("exact", "-1000000000000000000000").value).toBe(-1e21);
    expect(excelCell("number", "inf").value).toBe("inf");
    expect(excelCell("number", "-1.7976931348623157e+308").value).toBe(-1.7976931348623157e308);
    expect(excelCell("boolean", "false").value).toBe(false);
    expect(excelCell("text", null).value).toBeNull();
  });

  it("escapes what XML cannot hold, and cuts at Excel's cell limit", () => {
    const hostile = "\u0000a\r\nb_x0041_\u001f\t";
    const { text } = excelText(hostile);
    expect(text).toBe("_x0000_a_x000D_\nb_x005F_x0041__x001F_\t");
    expect(excelUnescape(text)).toBe(hostile);
    const long = excelText("é".repeat(1 << 20));
    expect(long.cut).toBe(true);
    expect(long.text).toHaveLength(32_767);
    expect(excelText("=cmd|' /C calc'!A0")).toEqual({ text: "=cmd|' /C calc'!A0", cut: false });
  });
});

describe("download ids and addresses", () => {
  it("makes ids the server accepts, and addresses that carry them", async () => {
    const { newDownloadId, exportUrl } = await import("./client");
    const { DOWNLOAD_ID } = await import("./progress");
    const ids = new Set(Array.from({ length: 100 }, newDownloadId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(DOWNLOAD_ID);
    expect(
      exportUrl("ab", { format: "xlsx", bom: false, safe: false }, { all: true, downloadId: "x".repeat(16) }),
    ).toBe(`/api/runs/ab/export?format=xlsx&all=1&download=${"x".repeat(16)}`);
  });
});
