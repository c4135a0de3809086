import { describe, expect, it } from "vitest";
import { toMarkdown, toTsv } from "./copy";

describe("toTsv", () => {
  it("writes values as spreadsheets paste them", () => {
    expect(
      toTsv([
        ["1", "plain"],
        ["2", null],
      ]),
    ).toBe("1\tplain\n2\t");
  });

  it("quotes fields with tabs, line breaks or quotes, doubling the quotes", () => {
    expect(toTsv([["a\tb", "line\nbreak", 'she said "hi"', "cr\r"]])).toBe(
      '"a\tb"\t"line\nbreak"\t"she said ""hi"""\t"cr\r"',
    );
  });

  it("adds a header row when asked, and keeps exact values as text", () => {
    expect(toTsv([["9007199254740993", "-9999999999999999999999999999.9999999999"]], ["big", "amount"])).toBe(
      "big\tamount\n9007199254740993\t-9999999999999999999999999999.9999999999",
    );
  });
});

describe("toMarkdown", () => {
  it("writes a table with the column names, pipes escaped and line breaks as <br>", () => {
    expect(
      toMarkdown(
        ["a|b", "c"],
        [
          ["x | y", "one\ntwo"],
          ["", null],
        ],
      ),
    ).toBe(["| a\\|b | c |", "| --- | --- |", "| x \\| y | one<br>two |", "|  | _NULL_ |"].join("\n"));
  });

  it("escapes backslashes so that an escaped pipe stays one", () => {
    expect(toMarkdown(["v"], [["\\|"]])).toBe(["| v |", "| --- |", "| \\\\\\| |"].join("\n"));
  });
});
