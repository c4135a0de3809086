import { describe, expect, it } from "vitest";
import { quoteIdentifier, sparkString } from "@/lib/sql/quote";
import { tokens } from "@/lib/sql/tokens";

describe("quoteIdentifier", () => {
  it("leaves ordinary names as they are", () => {
    for (const name of ["trips", "fare_amount", "_hidden", "Trips2024", "CamelCase", "x"]) {
      expect(quoteIdentifier(name)).toBe(name);
    }
  });

  it("quotes names with spaces, punctuation or a leading digit", () => {
    expect(quoteIdentifier("order date")).toBe('"order date"');
    expect(quoteIdentifier("2024_sales")).toBe('"2024_sales"');
    expect(quoteIdentifier("a-b")).toBe('"a-b"');
    expect(quoteIdentifier("a.b")).toBe('"a.b"');
    expect(quoteIdentifier("semi;colon")).toBe('"semi;colon"');
    expect(quoteIdentifier(" padded")).toBe('" padded"');
  });

  it("quotes non-ASCII names", () => {
    expect(quoteIdentifier("naïve")).toBe('"naïve"');
    expect(quoteIdentifier("日本")).toBe('"日本"');
    expect(quoteIdentifier("😀")).toBe('"😀"');
  });

  it("quotes reserved words in any case", () => {
    for (const word of ["select", "SELECT", "Order", "group", "from", "table", "null", "true", "with"]) {
      expect(quoteIdentifier(word)).toBe(`"${word}"`);
    }
  });

  it("does not quote words that merely contain a reserved word", () => {
    expect(quoteIdentifier("selected")).toBe("selected");
    expect(quoteIdentifier("order_id")).toBe("order_id");
    expect(quoteIdentifier("from_date")).toBe("from_date");
  });

  it("doubles quotes inside a name", () => {
    expect(quoteIdentifier('say "hi"')).toBe('"say ""hi"""');
    expect(quoteIdentifier('"')).toBe('""""');
    expect(quoteIdentifier('x"; DROP TABLE t; --')).toBe('"x""; DROP TABLE t; --"');
  });

  it("quotes the empty name", () => {
    expect(quoteIdentifier("")).toBe('""');
  });

  it("quotes names with line breaks", () => {
    expect(quoteIdentifier("a\nb")).toBe('"a\nb"');
  });
});

describe("sparkString", () => {
  it("escapes with backslashes, on one line", () => {
    expect(sparkString("it's")).toBe("'it\\'s'");
    expect(sparkString("a\\")).toBe("'a\\\\'");
    expect(sparkString("a\nb\r\tc")).toBe("'a\\nb\\r\\u0009c'");
    expect(sparkString("$x")).toBe("'\\$x'");
    expect(sparkString("\u2028\u0085\ud800")).toBe("'\\u2028\\u0085\\ud800'");
    expect(sparkString("naïve 😀 */ --")).toBe("'naïve 😀 */ --'");
  });

  it("keeps 1 MiB of quotes and backslashes inside one literal", () => {
    const value = "'\\\n".repeat(1 << 18);
    const literal = sparkString(value);
    expect(literal.includes("\n")).toBe(false);
    const read = [...tokens(literal, "databricks")];
    expect(read).toHaveLength(1);
    expect(read[0]).toMatchObject({ kind: "string", start: 0, end: literal.length });
  });
});
