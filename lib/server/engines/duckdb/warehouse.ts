import "server-only";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { parseByteSize } from "@/lib/byte-size";
import { sampleDataSql } from "@/lib/samples";
import { sqlString } from "@/lib/sql/quote";

export interface WarehouseOptions {
  dir: string;
  memoryLimit: string;
  /** DuckDB threads for members' queries; all cores when unset. */
  threads?: number;
  /** Most the warehouse may spill to its temp directory, e.g. "10GB". */
  tempLimit?: string;
  tripsRows: number;
}

/** Files of the built-in warehouse: the writable `workspace` catalog and read-only `samples`. */
export function warehouseFiles(dir: string) {
  return {
    workspace: path.join(dir, "workspace.duckdb"),
    samples: path.join(dir, "samples.duckdb"),
    temp: path.join(dir, "tmp"),
  };
}

export function duckdbSettings(memoryLimit: string, tempDir: string, threads?: number): Record<string, string> {
  return {
    // Never reach for the network to fetch an extension (the machines it runs on may have no internet).
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
    memory_limit: memoryLimit,
    temp_directory: tempDir,
    errors_as_json: "true",
    // DuckDB's allocator keeps freed memory for reuse; let it return what a
    // finished query no longer needs instead of holding the peak.
    allocator_flush_threshold: "16MB",
    allocator_background_threads: "true",
    ...(threads ? { threads: String(threads) } : {}),
  };
}

/**
 * Opens the built-in warehouse, generating the sample catalog on first start.
 * Generation writes to a temporary file renamed into place when complete, so an
 * interrupted first start regenerates instead of leaving half a catalog.
 */
export async function openWarehouse(options: WarehouseOptions): Promise<DuckDBInstance> {
  const files = warehouseFiles(options.dir);
  fs.mkdirSync(files.temp, { recursive: true });
  if (!fs.existsSync(/*turbopackIgnore: true*/ files.samples)) await generateSamples(files.samples, options);

  const instance = await DuckDBInstance.create(files.workspace, {
    ...duckdbSettings(options.memoryLimit, files.temp, options.threads ?? os.availableParallelism()),
    ...(options.tempLimit ? { max_temp_directory_size: options.tempLimit } : {}),
  });
  const setup = await instance.connect();
  try {
    await setup.run(`CREATE SCHEMA IF NOT EXISTS workspace."default"`);
    await setup.run(`ATTACH IF NOT EXISTS ${sqlString(files.samples)} AS samples (READ_ONLY)`);
    // Members share this server. With external access off, DuckDB still lets
    // SQL reach its own database and temp files, so the sandbox (sandbox.ts)
    // decides what each statement may do; these settings are the floor under
    // it, and locking them keeps the memory, thread and spill caps in place.
    await setup.run("SET enable_external_access = false");
    await setup.run("SET lock_configuration = true");
  } finally {
    setup.closeSync();
  }
  return instance;
}

/**
 * Memory for building the sample catalog: its keys and indexes need more than
 * a small warehouse limit allows (64MB runs out of memory), and the build is
 * a child process that ends, so a server set to use less still gets its
 * samples.
 */
const SAMPLES_MEMORY_FLOOR = 256e6;

/** The larger of the warehouse's limit and the floor the build needs. */
export function samplesMemoryLimit(memoryLimit: string): string {
  return (parseByteSize(memoryLimit) ?? 0) >= SAMPLES_MEMORY_FLOOR ? memoryLimit : `${SAMPLES_MEMORY_FLOOR / 1e6}MB`;
}

/**
 * First start only, in a short-lived child process: building the sample catalog
 * (with its keys and indexes) briefly takes ~150 MB, and a process rarely gives
 * such a peak back, so the server's own memory stays flat.
 */
async function generateSamples(target: string, options: WarehouseOptions): Promise<void> {
  const partial = `${target}.partial`;
  fs.rmSync(partial, { force: true });
  fs.rmSync(`${partial}.wal`, { force: true });
  const job = {
    file: partial,
    settings: duckdbSettings(
      samplesMemoryLimit(options.memoryLimit),
      warehouseFiles(options.dir).temp,
      options.threads,
    ),
    statements: sampleDataSql(options.tripsRows),
  };
  await runChild(GENERATE_SAMPLES, JSON.stringify(job));
  fs.renameSync(partial, target);
}

const GENERATE_SAMPLES = `import { DuckDBInstance } from "@duckdb/node-api";
let input = "";
for await (const part of process.stdin) input += part;
const { file, settings, statements } = JSON.parse(input);
const instance = await DuckDBInstance.create(file, settings);
const connection = await instance.connect();
for (const statement of statements) await connection.run(statement);
await connection.run("CHECKPOINT");
connection.closeSync();
instance.closeSync();`;

function runChild(script: string, input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd: process.cwd(),
      stdio: ["pipe", "inherit", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (data: Buffer) => {
      stderr += data.toString();
    });
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`generating the sample catalog failed (${code ?? signal}): ${stderr}`)),
    );
    child.stdin.end(input);
  });
}
