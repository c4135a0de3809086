import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * What every server does once, on its first start, made once per test run: the
 * sample catalog (a child process generating it with DuckDB) and the metadata
 * store (`initdb` inside PGlite, then the migrations). Each takes seconds; a test
 * file that starts a runtime copies them into its fresh data directory instead.
 * The first start itself is still exercised: by the browser tests (a new server
 * on an empty data directory), tests/keys.test.ts and the README's start check.
 */
const TEMPLATE_ENV = "LAKEBOOK_TEST_TEMPLATE_DIR";
/** The sample sizes test files ask for (prepareTempDataDir). */
export const TEMPLATE_TRIPS_ROWS = [1_000, 20_000];

const warehouseTemplate = (root: string, tripsRows: number) => path.join(root, `warehouse-${tripsRows}`);
const metadataTemplate = (root: string) => path.join(root, "metadata");

/** Vitest's global setup: builds the templates before any test file runs, removes them after. */
export async function buildTemplates(): Promise<() => void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-test-template-"));
  const { openWarehouse } = await import("@/lib/server/engines/duckdb/warehouse");
  const { openDb } = await import("@/lib/server/db/client");
  await Promise.all([
    ...TEMPLATE_TRIPS_ROWS.map(async (tripsRows) => {
      const instance = await openWarehouse({
        dir: warehouseTemplate(root, tripsRows),
        memoryLimit: "512MB",
        tripsRows,
      });
      instance.closeSync();
    }),
    (async () => {
      const handle = await openDb({ dir: metadataTemplate(root) });
      await handle.close();
    })(),
  ]);
  // Test processes are forked after this and inherit it.
  process.env[TEMPLATE_ENV] = root;
  return () => fs.rmSync(root, { recursive: true, force: true });
}

/** Copies the templates into a new data directory, when this test run has them. */
export function copyTemplates(dataDir: string, tripsRows: number): void {
  const root = process.env[TEMPLATE_ENV];
  if (!root || !fs.existsSync(root)) return;
  const samples = path.join(warehouseTemplate(root, tripsRows), "samples.duckdb");
  if (fs.existsSync(samples)) {
    fs.mkdirSync(path.join(dataDir, "warehouse"), { recursive: true });
    fs.copyFileSync(samples, path.join(dataDir, "warehouse", "samples.duckdb"));
  }
  copyMetadataTemplate(path.join(dataDir, "metadata"));
}

/** Copies the migrated PGlite metadata store into `dir`, when this test run has it. */
export function copyMetadataTemplate(dir: string): void {
  const root = process.env[TEMPLATE_ENV];
  if (root && fs.existsSync(metadataTemplate(root))) fs.cpSync(metadataTemplate(root), dir, { recursive: true });
}
