import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { copyTemplates } from "./templates";

/** A fresh data directory with a small sample catalog, set before server modules load. */
export function prepareTempDataDir(tripsRows = 20_000): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-test-"));
  copyTemplates(dir, tripsRows);
  process.env.LAKEBOOK_DATA_DIR = dir;
  process.env.LAKEBOOK_SAMPLE_TRIPS_ROWS = String(tripsRows);
  process.env.LAKEBOOK_THREADS = "2";
  return dir;
}

/**
 * Lets connections reach the Thrift test warehouse (tests/support/databricks-warehouse):
 * it listens on a random port of 127.0.0.1 as `localhost`, which the default
 * policy refuses — the host list, the port and the loopback address all need
 * allowing, as an admin would for a warehouse on a private network. Set
 * before server modules load.
 */
export function allowLocalWarehouse(): void {
  process.env.LAKEBOOK_ALLOWED_WAREHOUSE_HOSTS =
    "localhost,*.cloud.databricks.com,*.azuredatabricks.net,*.gcp.databricks.com";
  process.env.LAKEBOOK_ALLOWED_WAREHOUSE_PORTS = "*";
  process.env.LAKEBOOK_ALLOWED_WAREHOUSE_NETWORKS = "127.0.0.1/32,::1/128";
}
