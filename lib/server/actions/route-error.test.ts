import { describe, expect, it } from "vitest";
import { failed, NOT_FOUND, notFoundError, UserError } from "@/lib/action-result";
import { EngineError } from "../engines/types";
import { routeError, STATUS } from "./route-error";
import { failure } from "./safe-action";

describe("typed errors", () => {
  it("answer a route with the status of their kind and their own message", async () => {
    const cases: [UserError, number][] = [
      [notFoundError(), 404],
      [new UserError("Sign in again.", "sign-in"), 401],
      [new UserError("Only an admin can do this.", "forbidden"), 403],
      [new UserError("Still running.", "conflict"), 409],
      [new UserError("Too many at once.", "busy"), 429],
      [new UserError("Choose a column."), 422],
    ];
    for (const [error, status] of cases) {
      const response = routeError(error);
      expect(response.status).toBe(status);
      expect(await response.text()).toBe(error.message);
    }
    expect(await routeError(notFoundError()).text()).toBe(NOT_FOUND);
  });

  it("hide an unexpected error behind a reference, as 500", async () => {
    const response = routeError(new Error("connection string postgres://secret@db"));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).toMatch(/reference [0-9a-f]{8}/);
    expect(text).not.toContain("secret");
  });

  it("reach the browser with their kind, engine errors as invalid input", () => {
    expect(failure(notFoundError())).toEqual({ ok: false, error: NOT_FOUND, code: "not-found" });
    expect(failure(new EngineError('Parser Error: syntax error at or near "SELEC"'))).toMatchObject({
      code: "invalid",
    });
    expect(failure(new TypeError("x is undefined")).code).toBe("internal");
    expect(failed("Enter a name.")).toEqual({ ok: false, error: "Enter a name.", code: "invalid" });
  });

  it("are recognised by kind, never by message", () => {
    // The same words with another kind are not "not found".
    expect(UserError.isCode(new UserError(NOT_FOUND, "conflict"), "not-found")).toBe(false);
    expect(UserError.isCode(notFoundError(), "not-found")).toBe(true);
    expect(UserError.isCode(new Error(NOT_FOUND), "not-found")).toBe(false);
    expect(Object.keys(STATUS).sort()).toEqual(
      ["busy", "conflict", "databricks-sign-in", "forbidden", "internal", "invalid", "not-found", "sign-in"].sort(),
    );
  });
});
