import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("Node's thread pool", () => {
  it("keeps room for files and compression while members run as many long queries as they may", () => {
    // A server started without `npm start` has Node's default pool of four threads.
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.UV_THREADPOOL_SIZE;
    const child = spawnSync(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", "tests/support/thread-pool-child.mts"],
      { env, encoding: "utf8", timeout: 150_000 },
    );
    const line = child.stdout
      .split("\n")
      .find((l) => l.startsWith("REPORT "))
      ?.slice("REPORT ".length);
    expect(line, child.stderr).toBeDefined();
    // Four long DuckDB statements would hold all four threads: the server runs one, and stays alive.
    expect(JSON.parse(line as string)).toEqual({ pool: null, readFile: "answered", gzip: "answered", atOnce: 1 });
    expect(`${child.stdout}${child.stderr}`).toContain("running at most 1 query at once, not 16");
  }, 180_000);
});
