import { describe, expect, it } from "vitest";
import { HOSTILE_SQL, MIB } from "@/tests/support/hostile-sql";
import { databricksError, isExpiredSession } from "./errors";

describe("isExpiredSession", () => {
  it("recognises the driver's and the warehouse's ways of saying a session is gone", () => {
    for (const message of [
      "Invalid SessionHandle: 01ef…",
      "INVALID SESSION",
      "The session has expired",
      "Session 1234 not found",
      "session was closed by the server",
    ]) {
      expect(isExpiredSession(new Error(message)), message).toBe(true);
    }
    expect(isExpiredSession({ errorCode: "INVALID_SESSION" })).toBe(false);
    expect(isExpiredSession(new Error("expired token; open a new session"))).toBe(false);
    expect(isExpiredSession(new Error("session\nexpired"))).toBe(false);
    expect(isExpiredSession(null)).toBe(false);
  });

  // A warehouse's parse error quotes the statement, so these are as large as a statement.
  it("answers at once for errors that quote 1 MiB statements", { timeout: 10_000 }, () => {
    const texts = [...Object.values(HOSTILE_SQL), "session".repeat(MIB / 7), `${"session ".repeat(MIB / 8)}\n`];
    for (const text of texts) {
      const error = new Error(`[PARSE_SYNTAX_ERROR] Syntax error.\n== SQL ==\n${text}`);
      expect(isExpiredSession(error)).toBeTypeOf("boolean");
      expect(databricksError(error).message).toBeTypeOf("string");
    }
  });
});
