import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { isDuckDBOutOfMemory, retryOutOfMemory } from "./errors";
import { duckdbSettings } from "./warehouse";

/** DuckDB's own error when a statement needs more than the memory limit (with `errors_as_json`, as the server runs it). */
async function outOfMemory(): Promise<unknown> {
  const instance = await DuckDBInstance.create(":memory:", { ...duckdbSettings("8MB", "", 1), temp_directory: "" });
  const connection = await instance.connect();
  try {
    await connection.run("SELECT list(i) FROM range(10000000) t(i)");
    throw new Error("expected DuckDB to run out of memory");
  } catch (error) {
    return error;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe("DuckDB running out of memory", () => {
  it("is told apart from other errors by its exception type, not its text", async () => {
    expect(isDuckDBOutOfMemory(await outOfMemory())).toBe(true);
    expect(isDuckDBOutOfMemory(new Error('{"exception_type":"Binder","exception_message":"Out of Memory"}'))).toBe(
      false,
    );
    expect(isDuckDBOutOfMemory(new Error("Out of Memory Error: not JSON"))).toBe(false);
    expect(isDuckDBOutOfMemory("{")).toBe(false);
  });

  it("runs the work again after each wait, and gives up with the last error", async () => {
    const error = await outOfMemory();
    let calls = 0;
    await expect(
      retryOutOfMemory(async () => {
        calls++;
        if (calls < 3) throw error;
        return "written";
      }, [1, 1, 1]),
    ).resolves.toBe("written");
    expect(calls).toBe(3);

    calls = 0;
    await expect(
      retryOutOfMemory(async () => {
        calls++;
        throw error;
      }, [1, 1]),
    ).rejects.toBe(error);
    expect(calls).toBe(3);
  });

  it("does not run work again that failed for another reason", async () => {
    let calls = 0;
    const other = new Error('{"exception_type":"IO","exception_message":"No space left on device"}');
    await expect(
      retryOutOfMemory(async () => {
        calls++;
        throw other;
      }, [1, 1]),
    ).rejects.toBe(other);
    expect(calls).toBe(1);
  });
});
