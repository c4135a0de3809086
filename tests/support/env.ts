import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** A fresh data directory with a small sample catalog, set before server modules load. */
export function prepareTempDataDir(tripsRows = 20_000): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-test-"));
  process.env.LAKEBOOK_DATA_DIR = dir;
  process.env.LAKEBOOK_SAMPLE_TRIPS_ROWS = String(tripsRows);
  process.env.LAKEBOOK_THREADS = "2";
  return dir;
}
