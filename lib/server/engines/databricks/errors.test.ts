import { describe, expect, it } from "vitest";
import { HOSTILE_SQL, MIB } from "@/tests/support/hostile-sql";
import { WarehouseRefusal } from "../../network/warehouse-policy";
import { CloudStorageFailure } from "./cloud-fetch";
import { databricksError, isExpiredSession, positionIn } from "./errors";

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

describe("positionIn", () => {
  it("reads both ways Databricks says where a problem is", () => {
    expect(
      positionIn(
        "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FORM'. SQLSTATE: 42601 (line 1, pos 9)\n\n== SQL ==\nSELECT 1 FORM x\n---------^^^",
      ),
    ).toEqual({ line: 1, column: 10 });
    expect(positionIn("[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column ... SQLSTATE: 42703; line 3 pos 0")).toEqual({
      line: 3,
      column: 1,
    });
    expect(positionIn("[DIVIDE_BY_ZERO] Division by zero. SQLSTATE: 22012")).toBeNull();
    // A position quoted by the statement early in a long message is not the error's.
    expect(positionIn(`[X] bad: SELECT 'line 1, pos 2' ${"x".repeat(500)}`)).toBeNull();
  });

  it("carries the position on the engine's error", () => {
    const error = {
      message: "x",
      response: { displayMessage: "[E] oops SQLSTATE: 42000 (line 2, pos 4)", sqlState: "42000" },
    };
    expect(databricksError(error).details).toMatchObject({ at: { line: 2, column: 5 }, sqlState: "42000" });
  });

  it("answers at once for a message of 1 MiB of digits, lines and positions", { timeout: 10_000 }, () => {
    expect(positionIn(`${"line 1, pos 1 ".repeat(MIB / 14)}`)).toEqual({ line: 1, column: 2 });
    expect(positionIn("9".repeat(MIB))).toBeNull();
  });
});

describe("CloudFetch failures", () => {
  const warehouse = "adb-1234567890.12.azuredatabricks.net";
  const fetchError = (url: string, code: string) =>
    Object.assign(new Error(`request to ${url} failed, reason: connect ${code} 10.1.2.3:443`), {
      name: "FetchError",
      type: "system",
      code,
    });
  // What the driver's retry policy throws once it gives up.
  const retriesExhausted = (payload: unknown) =>
    Object.assign(new Error("Max retry count exceeded"), { errorCode: "ATTEMPTS_EXCEEDED", payload });

  it("says the server needs the workspace's storage when a download cannot reach it, and how to turn CloudFetch off", () => {
    const error = retriesExhausted(
      fetchError("https://dbstorage.blob.core.windows.net/results/1?sig=secret", "ETIMEDOUT"),
    );
    const admin = databricksError(error, true, warehouse).message;
    expect(admin).toMatch(/^The workspace's result storage could not be reached: ETIMEDOUT \(CloudFetch\)\. /);
    expect(admin).toContain("needs network access to the workspace's cloud storage");
    expect(admin).toContain("turn CloudFetch off in the connection's settings");
    expect(admin).not.toContain("sig=secret");
    const member = databricksError(error, false, warehouse).message;
    expect(member).toContain("needs network access to the workspace's cloud storage");
    expect(member).not.toMatch(/ETIMEDOUT|blob\.core/);
    expect(databricksError(new Error("CloudFetch HTTP error 403 Forbidden"), true, warehouse).message).toContain(
      "the storage answered HTTP 403",
    );
    expect(
      databricksError(fetchError("https://bucket.s3.amazonaws.com/x", "ELAKEBOOKREFUSED"), true, warehouse).message,
    ).toContain("LAKEBOOK_ALLOWED_WAREHOUSE_NETWORKS");
  });

  it("reads a download the policy refused as the storage's, not the warehouse's", () => {
    const refused = new CloudStorageFailure(new WarehouseRefusal("10.0.0.5 is a private address", "Not allowed."));
    const message = databricksError(refused, true, warehouse).message;
    expect(message).toContain("its address is one this server does not connect to");
    expect(message).toContain("needs network access to the workspace's cloud storage");
    expect(databricksError(refused, false, warehouse).message).not.toContain("10.0.0.5");
  });

  it("leaves the warehouse's own network failures and its SQL errors alone", () => {
    const own = databricksError(
      fetchError(`https://${warehouse}/sql/1.0/warehouses/x`, "ECONNREFUSED"),
      true,
      warehouse,
    );
    expect(own.message).toContain("The warehouse host cannot be reached (ECONNREFUSED)");
    const quoted = Object.assign(new Error("request to https://evil.example/ failed"), {
      response: { displayMessage: "request to https://evil.example/ failed", sqlState: "42000" },
    });
    expect(databricksError(quoted, true, warehouse).message).toBe("request to https://evil.example/ failed");
    expect(databricksError(new Error("CloudFetch link has expired"), true, warehouse).message).toContain(
      "expired again",
    );
  });
});
