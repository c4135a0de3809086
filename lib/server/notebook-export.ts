import "server-only";
import { UserError } from "@/lib/action-result";
import type { CellResult, JupyterConnect } from "@/lib/notebooks/formats";
import { OUTPUT_LIMITS } from "@/lib/notebooks/formats/ipynb-outputs";
import type { NotebookView } from "@/lib/notebooks/types";
import type { RunView } from "@/lib/results/types";
import { BUILTIN_ID, usable } from "./connections/access";
import type { User } from "./db/schema";
import { readPage } from "./runs/runs";

/**
 * What a notebook's Jupyter export needs from the server: each SQL cell's
 * stored result, as the notebook page shows it, and where the connect cell
 * connects. The formatting itself is pure (lib/notebooks/formats).
 */

/** The first rows of each cell's last stored run, read with the same access check as the page's. */
export async function cellResults(user: User, view: NotebookView): Promise<Record<string, CellResult>> {
  const results: Record<string, CellResult> = {};
  for (const cell of view.cells) {
    const run = cell.kind === "sql" ? view.lastRuns[cell.id] : undefined;
    const result = run && (await resultOf(user, run));
    if (result) results[cell.id] = result;
  }
  return results;
}

async function resultOf(user: User, run: RunView): Promise<CellResult | null> {
  if (run.status === "running") return null;
  if (run.status === "failed") return { kind: "error", message: run.error?.message ?? "The run failed." };
  if (run.status === "cancelled") return { kind: "note", text: "The run was cancelled." };
  if (run.resultRemoved === "space") return { kind: "note", text: "Result removed to free space: run the cell again." };
  if (run.resultRemoved === "expired") return { kind: "note", text: "This result has expired: run the cell again." };
  if (run.columns.length === 0) return run.message ? { kind: "message", text: run.message } : null;
  try {
    const page = await readPage(user, run.id, 0, OUTPUT_LIMITS.rows, null);
    return { kind: "rows", columns: run.columns, rows: page.rows, rowCount: run.rowCount, truncated: run.truncated };
  } catch (error) {
    // Removed between reading the notebook and its rows: said as the page says it.
    if (UserError.is(error) && error.code === "conflict") return { kind: "note", text: error.message };
    throw error;
  }
}

/** Where the connect cell goes: Lakebook's API, or the notebook's Databricks warehouse. */
export async function connectionFor(
  user: User,
  view: NotebookView,
  connect: "lakebook" | "warehouse",
  baseUrl: string,
): Promise<JupyterConnect> {
  if (connect === "lakebook") return { kind: "lakebook", baseUrl, connectionId: view.connectionId };
  if (view.connectionId === BUILTIN_ID) {
    throw new UserError(
      "The built-in warehouse is reached through Lakebook only: export the Jupyter notebook that runs through Lakebook.",
    );
  }
  const row = await usable(user, view.connectionId).catch(() => {
    // Host and path of a connection the member may not use are not theirs to see.
    throw new UserError(
      "You cannot use this notebook's connection, so it cannot be written into a file for you. Export the notebook that runs through Lakebook instead.",
      "forbidden",
    );
  });
  const port = Number(row.port);
  return {
    kind: "warehouse",
    host: row.host,
    port: Number.isInteger(port) && port > 0 ? port : 443,
    httpPath: row.httpPath,
    catalog: row.defaultCatalog,
    schema: row.defaultSchema,
    browserSignIn: row.authType === "oauth-u2m",
  };
}
