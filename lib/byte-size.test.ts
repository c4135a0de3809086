import { describe, expect, it } from "vitest";
import { formatByteSize, parseByteSize } from "./byte-size";

describe("byte sizes in settings", () => {
  it("reads units as DuckDB does: KB/MB/GB powers of 1000, KiB/MiB/GiB powers of 1024", () => {
    expect(parseByteSize("20GB")).toBe(20e9);
    expect(parseByteSize("20 gb")).toBe(20e9);
    expect(parseByteSize("512MiB")).toBe(512 * 1024 ** 2);
    expect(parseByteSize("1.5TB")).toBe(1.5e12);
    expect(parseByteSize("4096")).toBe(4096);
    expect(parseByteSize("4096B")).toBe(4096);
    expect(parseByteSize(" 3 KiB ")).toBe(3072);
  });

  it("refuses what is not a size", () => {
    for (const text of ["", "GB", "-1GB", "1e9", "20 GBs", "1,5GB", "twenty", "1 PB", "9".repeat(40)]) {
      expect(parseByteSize(text)).toBeNull();
    }
  });

  it("reads a long hostile text at once", () => {
    expect(parseByteSize(`${"1".repeat(1_000_000)}x`)).toBeNull();
    expect(parseByteSize(" ".repeat(1_000_000))).toBeNull();
  });

  it("writes sizes for people", () => {
    expect(formatByteSize(20)).toBe("20 bytes");
    expect(formatByteSize(12_345)).toBe("12.3 KB");
    expect(formatByteSize(340_000_000)).toBe("340 MB");
    expect(formatByteSize(1.5e9)).toBe("1.5 GB");
  });
});
