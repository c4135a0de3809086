import { describe, expect, it } from "vitest";
import {
  clampPage,
  DEFAULT_PAGE_SIZE,
  isPageSize,
  PAGE_SIZES,
  pageCount,
  pageWindow,
  parsePageInput,
  rowRangeLabel,
} from "./paging";

describe("page sizes", () => {
  it("offers a fixed set of sizes and defaults to one of them", () => {
    expect(PAGE_SIZES).toEqual([50, 100, 500, 1000]);
    expect(isPageSize(DEFAULT_PAGE_SIZE)).toBe(true);
    expect(isPageSize(1000)).toBe(true);
    expect(isPageSize(0)).toBe(false);
    expect(isPageSize(250)).toBe(false);
    expect(isPageSize(Number.NaN)).toBe(false);
  });
});

describe("pageCount", () => {
  it("gives an empty result one empty page", () => {
    expect(pageCount(0, 100)).toBe(1);
  });

  it("rounds a partial last page up", () => {
    expect(pageCount(1, 100)).toBe(1);
    expect(pageCount(100, 100)).toBe(1);
    expect(pageCount(101, 100)).toBe(2);
    expect(pageCount(5_000_001, 1000)).toBe(5001);
  });

  it("counts ten thousand pages for ten million rows of a thousand", () => {
    expect(pageCount(10_000_000, 1000)).toBe(10_000);
  });
});

describe("clampPage", () => {
  it("keeps a page that exists", () => {
    expect(clampPage(0, 250, 100)).toBe(0);
    expect(clampPage(2, 250, 100)).toBe(2);
  });

  it("moves a negative page to the first and one past the end to the last", () => {
    expect(clampPage(-1, 250, 100)).toBe(0);
    expect(clampPage(-1e9, 250, 100)).toBe(0);
    expect(clampPage(3, 250, 100)).toBe(2);
    expect(clampPage(1e12, 250, 100)).toBe(2);
  });

  it("sends NaN to the first page and infinities to the matching end", () => {
    expect(clampPage(Number.NaN, 250, 100)).toBe(0);
    expect(clampPage(Number.POSITIVE_INFINITY, 250, 100)).toBe(2);
    expect(clampPage(Number.NEGATIVE_INFINITY, 250, 100)).toBe(0);
  });

  it("drops a fractional part", () => {
    expect(clampPage(1.9, 250, 100)).toBe(1);
    expect(clampPage(-0.5, 250, 100)).toBe(0);
  });

  it("only allows page 0 of an empty result", () => {
    expect(clampPage(5, 0, 100)).toBe(0);
  });

  it("reaches the last of ten thousand pages", () => {
    expect(clampPage(9999, 10_000_000, 1000)).toBe(9999);
    expect(clampPage(10_000, 10_000_000, 1000)).toBe(9999);
  });
});

describe("pageWindow", () => {
  it("turns a page index into an offset and limit", () => {
    expect(pageWindow(0, 100)).toEqual({ offset: 0, limit: 100 });
    expect(pageWindow(3, 50)).toEqual({ offset: 150, limit: 50 });
    expect(pageWindow(9999, 1000)).toEqual({ offset: 9_999_000, limit: 1000 });
  });
});

describe("rowRangeLabel", () => {
  it("says there are no rows for an empty result", () => {
    expect(rowRangeLabel(0, 100, 0)).toBe("0 rows");
  });

  it("labels full and partial pages with 1-based row numbers", () => {
    expect(rowRangeLabel(0, 100, 5_000_000)).toBe("1–100 of 5,000,000");
    expect(rowRangeLabel(2, 100, 250)).toBe("201–250 of 250");
    expect(rowRangeLabel(0, 100, 1)).toBe("1–1 of 1");
  });

  it("labels the last page of ten million rows", () => {
    expect(rowRangeLabel(9999, 1000, 10_000_000)).toBe("9,999,001–10,000,000 of 10,000,000");
  });
});

describe("parsePageInput", () => {
  const rows = 10_000_000;
  const size = 1000;

  it("turns a typed 1-based page number into a 0-based index", () => {
    expect(parsePageInput("1", rows, size)).toBe(0);
    expect(parsePageInput("42", rows, size)).toBe(41);
    expect(parsePageInput("10000", rows, size)).toBe(9999);
  });

  it("accepts surrounding spaces and thousands separators", () => {
    expect(parsePageInput(" 3 ", rows, size)).toBe(2);
    expect(parsePageInput("1,000", rows, size)).toBe(999);
    expect(parsePageInput("\t10,000\n", rows, size)).toBe(9999);
  });

  it("clamps page 0 to the first page and a too-large page to the last", () => {
    expect(parsePageInput("0", rows, size)).toBe(0);
    expect(parsePageInput("10001", rows, size)).toBe(9999);
    expect(parsePageInput("99999999999999999999999", rows, size)).toBe(9999);
    expect(parsePageInput("9".repeat(400), rows, size)).toBe(9999);
    expect(parsePageInput("7", 0, size)).toBe(0);
  });

  it("refuses what is not a page number", () => {
    for (const input of ["", "   ", "abc", "3a", "-2", "+2", "2.5", "1e3", ",", "0x10", "٣"]) {
      expect(parsePageInput(input, rows, size), JSON.stringify(input)).toBeNull();
    }
  });
});
