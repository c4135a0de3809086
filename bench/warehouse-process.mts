import { spawn } from "node:child_process";
import readline from "node:readline";
import type { WarehouseStats } from "../tests/support/databricks-warehouse";

/** A test warehouse running in its own process (bench/warehouse-child.mts). */
export interface WarehouseProcess {
  port: number;
  path: string;
  token: string;
  stats(): Promise<WarehouseStats>;
  close(): Promise<void>;
}

export async function startWarehouseProcess(options: Record<string, unknown>): Promise<WarehouseProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", new URL("./warehouse-child.mts", import.meta.url).pathname, JSON.stringify(options)],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines = readline.createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  lines.on("line", (line) => waiting.shift()?.(line));
  const next = () =>
    new Promise<string>((resolve, reject) => {
      waiting.push(resolve);
      child.once("exit", (code) => reject(new Error(`the test warehouse exited (${code})`)));
    });
  const started = JSON.parse(await next()) as { port: number; path: string; token: string };
  return {
    ...started,
    async stats() {
      const answer = next();
      child.stdin.write("stats\n");
      return JSON.parse(await answer) as WarehouseStats;
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.stdin.end();
      }),
  };
}
