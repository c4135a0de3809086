// The Databricks path as the last phase of `npm run bench`: databricks.mts in a
// process of its own, because it loads the app's server modules (and DuckDB
// with them), which the bench's own process, the client that measures the app,
// never loads (see `duckdb` in direct-stream.mts).
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** This checkout: the Databricks path always measures it (BENCH_APP_DIR names only the app the server phases start). */
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
let child: ChildProcess | null = null;

/**
 * Runs databricks.mts as `npm run bench:databricks` does, its output going to
 * the bench's own; with `smoke`, at its smoke size. Resolves with its exit code.
 */
export function runDatabricks(smoke: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    child = spawn(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", path.join(root, "bench/databricks.mts")],
      {
        cwd: root,
        stdio: "inherit",
        env: {
          ...process.env,
          UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? "64",
          ...(smoke ? { BENCH_SMOKE: "1" } : {}),
        },
      },
    );
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      child = null;
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/** Stops the Databricks path if it is running (for an interrupted bench). */
export function stopDatabricks(): void {
  child?.kill("SIGTERM");
}
