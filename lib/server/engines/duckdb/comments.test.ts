import { describe, expect, it } from "vitest";
import { HOSTILE_SQL, MIB } from "@/tests/support/hostile-sql";
import { EngineError } from "../types";
import { blankComments } from "./comments";

const bytes = (text: string) => Buffer.byteLength(text);

describe("blankComments", () => {
  it("leaves text without comments as it is", () => {
    const sql = "SELECT '/* not a comment', \"-- nor this\", $$ /* */ $$ FROM t";
    expect(blankComments(sql)).toBe(sql);
  });

  it("blanks line and nested block comments, keeping line breaks and every byte position", () => {
    const sql = "SELECT 1 -- café ☕\n/* outer /* 🦆 inner */ ü */ + 2\r\n-- last";
    const out = blankComments(sql);
    expect(out).toBe(
      `SELECT 1 ${" ".repeat(bytes("-- café ☕"))}\n${" ".repeat(bytes("/* outer /* 🦆 inner */ ü */"))} + 2\r\n       `,
    );
    expect(bytes(out)).toBe(bytes(sql));
    // A position after a comment is the same byte in both.
    expect(bytes(out.slice(0, out.indexOf("+ 2")))).toBe(bytes(sql.slice(0, sql.indexOf("+ 2"))));
  });

  it("counts a lone surrogate as the three bytes it is sent as", () => {
    const sql = "SELECT 1 /* \ud800 */";
    expect(bytes(blankComments(sql))).toBe(bytes(sql));
  });

  it("refuses a block comment left open, at its byte position", () => {
    const sql = "SELECT 'é' /* open /* nested */";
    let error: unknown;
    try {
      blankComments(sql);
    } catch (caught) {
      error = caught;
    }
    expect(EngineError.is(error)).toBe(true);
    expect((error as EngineError).message).toBe("Parser Error: unterminated /* comment");
    expect((error as EngineError).details.position).toBe(bytes("SELECT 'é' "));
  });

  it("reads 1 MiB of the worst inputs in one pass", () => {
    // A linear pass ends at once; DuckDB's parser took hours on the comment ones.
    for (const [name, sql] of Object.entries(HOSTILE_SQL)) {
      try {
        expect(bytes(blankComments(sql)), name).toBe(bytes(sql));
      } catch (error) {
        expect(EngineError.is(error), name).toBe(true);
      }
    }
    const closed = `SELECT 1 ${"/*".repeat(MIB / 8)}${"*/".repeat(MIB / 8)}`;
    expect(blankComments(closed).trim()).toBe("SELECT 1");
  });
});
