import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { NOT_FOUND } from "@/lib/action-result";
import type { NotebookCell } from "@/lib/notebooks/types";
import { displayCell } from "@/lib/results/format";
import type { Cell } from "@/lib/results/types";
import { prepareTempDataDir } from "./support/env";
import { htmlTables, parsePython, validateNotebook } from "./support/jupyter";
import { settleRun } from "./support/settle";
import { createTestUser } from "./support/users";

/**
 * A notebook's Jupyter export against the real parts: cells run on the
 * built-in DuckDB warehouse, the export reads their stored results, and
 * Debian's Python validates the file (nbformat 4.5), parses its connect cell
 * and reads its HTML tables back.
 */

prepareTempDataDir(1_000);

const notebooks = await import("@/lib/server/notebooks");
const sharing = await import("@/lib/server/sharing");
const runs = await import("@/lib/server/runs/runs");
const { saveConnection } = await import("@/lib/server/connections");
const { runtime } = await import("@/lib/server/runtime");

type User = Awaited<ReturnType<typeof createTestUser>>;

const SECRET = "dapi-not-a-real-token-0123456789";
const BASE_URL = "https://lakebook.example.com";
const TRICKY = "SELECT * FROM samples.demo.tricky_values ORDER BY id";

let alice: User;
let bob: User;
/** Alice's own Databricks connection: nothing runs on it here, its host and path go into a connect cell. */
let personal: string;

beforeAll(async () => {
  alice = await createTestUser("member", `alice-${randomUUID().slice(0, 6)}`);
  bob = await createTestUser("member", `bob-${randomUUID().slice(0, 6)}`);
  personal = (
    await saveConnection(alice, {
      name: "Alice's warehouse",
      scope: "personal",
      host: "adb-1.azuredatabricks.net",
      port: 443,
      httpPath: "/sql/1.0/warehouses/abc",
      authType: "token",
      secret: SECRET,
    })
  ).id;
  await (await runtime()).engine.testConnection();
}, 120_000);

function cell(kind: NotebookCell["kind"], source: string): NotebookCell {
  return { id: randomUUID(), kind, source, connectionId: null, chart: null };
}

async function runAll(user: User, notebookId: string, cells: NotebookCell[]) {
  for (const c of cells.filter((c) => c.kind === "sql")) {
    const { run } = await notebooks.runCell(user, notebookId, c.id, 50);
    await settleRun(runs.runState, user, run.id);
  }
}

/** A value as the export shows it: the grid's text, with an empty string as an empty cell. */
function shown(value: Cell): string {
  const display = displayCell(value);
  return display.isEmpty ? "" : display.text;
}

const exportAs = (user: User, id: string, format: "ipynb" | "databricks", connect: "lakebook" | "warehouse") =>
  notebooks.exportNotebookFile(user, id, format, { connect, baseUrl: BASE_URL });

describe("a notebook exported for Jupyter", () => {
  it("carries each cell's stored result as its output, exactly as stored, in a valid nbformat 4.5 file", async () => {
    const cells = [
      cell("markdown", "# Tricky values"),
      cell("sql", TRICKY),
      cell("sql", "SELECT range AS n FROM range(1000)"),
      cell("sql", "SELECT no_such_column FROM range(1)"),
      cell("sql", "SELECT 'never run'"),
    ];
    const nb = await notebooks.createNotebook(alice, { title: "Jupyter <export>", connectionId: "builtin", cells });
    await runAll(alice, nb.id, nb.cells.slice(1, 4));
    const view = await notebooks.getNotebook(alice, nb.id);
    const file = await exportAs(alice, nb.id, "ipynb", "lakebook");
    expect(file.filename).toBe("Jupyter export.ipynb");
    validateNotebook(file.text);
    const doc = JSON.parse(file.text);
    expect(doc.cells.map((c: { source: string[] }) => c.source[0])).toEqual([
      expect.stringMatching(/^# Lakebook: connect through Lakebook's API/),
      "# Tricky values",
      "%%sql\n",
      "%%sql\n",
      "%%sql\n",
      "%%sql\n",
    ]);
    const connect: string = doc.cells[0].source.join("");
    parsePython(connect);
    expect(connect).toContain(`LAKEBOOK_URL = "${BASE_URL}"`);
    expect(connect).toContain('LAKEBOOK_CONNECTION = "builtin"');

    const tables = htmlTables(file.text);
    const tricky = view.lastRuns[view.cells[1].id];
    const page = await runs.readPage(alice, tricky.id, 0, 20, null);
    expect(page.rows).toHaveLength(10);
    // Read back by an HTML parser: the same names and values, the <script> value as text, no markup of its own.
    expect(tables[2]?.header).toEqual(tricky.columns.map((c) => c.name));
    expect(tables[2]?.rows).toEqual(page.rows.map((row) => row.map(shown)));
    expect(tables[2]?.rows[0].slice(2, 5)).toEqual([
      "9007199254740993",
      "1234567890123456789012345678.0123456789",
      "2024-02-29 23:59:59.999999",
    ]);
    expect(tables[2]?.rows[9][5]).toBe("<script>alert(1)</script><b>bold</b>");
    expect(tables[2]?.tags).toEqual(["em", "p", "table", "tbody", "td", "th", "thead", "tr"]);
    expect(tables[2]?.summary).toBe("Showing 10 of 10 rows.");
    const text: string = doc.cells[2].outputs[0].data["text/plain"];
    expect(text).toContain("170141183460469231731687303715884105727");
    expect(text).toContain("-9223372036854775808");

    expect(tables[3]?.rows).toHaveLength(20);
    expect(tables[3]?.rows.at(-1)).toEqual(["19"]);
    expect(tables[3]?.summary).toBe("Showing 20 of 1,000 rows.");

    expect(doc.cells[4].outputs).toEqual([
      expect.objectContaining({ output_type: "error", evalue: expect.stringContaining("no_such_column") }),
    ]);
    expect(doc.cells[5]).toMatchObject({ execution_count: null, outputs: [] });
    expect(doc.cells.slice(2, 5).map((c: { execution_count: number }) => c.execution_count)).toEqual([1, 2, 3]);

    // The Databricks flavour carries the same outputs, with %sql cells and no connect cell.
    const databricks = await exportAs(alice, nb.id, "databricks", "lakebook");
    validateNotebook(databricks.text);
    const back = JSON.parse(databricks.text);
    expect(back.cells).toHaveLength(5);
    expect(back.cells[1].source[0]).toBe("%sql\n");
    expect(back.cells[1].outputs).toEqual(doc.cells[2].outputs);
  }, 120_000);

  it("imports either flavour back into the same cells, without the connect cell", async () => {
    const cells = [cell("sql", "SELECT 1 AS one\nFROM range(1)"), cell("markdown", "notes")];
    const nb = await notebooks.createNotebook(alice, { title: "Round trip", connectionId: personal, cells });
    for (const [format, connect] of [
      ["ipynb", "lakebook"],
      ["ipynb", "warehouse"],
      ["databricks", "lakebook"],
    ] as const) {
      const file = await exportAs(alice, nb.id, format, connect);
      const { id } = await notebooks.importNotebookFile(alice, {
        filename: file.filename,
        text: file.text,
        connectionId: "builtin",
      });
      const back = await notebooks.getNotebook(alice, id);
      expect(back.cells.map(({ kind, source }) => ({ kind, source }))).toEqual(
        cells.map(({ kind, source }) => ({ kind, source })),
      );
    }
  }, 60_000);

  it("connects straight to the notebook's Databricks warehouse without writing its secret", async () => {
    const nb = await notebooks.createNotebook(alice, {
      title: "On the warehouse",
      connectionId: personal,
      cells: [cell("sql", "SELECT :start")],
      parameters: [{ name: "start", type: "date", value: "2024-02-29" }],
    });
    const file = await exportAs(alice, nb.id, "ipynb", "warehouse");
    validateNotebook(file.text);
    const connect: string = JSON.parse(file.text).cells[0].source.join("");
    parsePython(connect);
    expect(connect).toContain('host="adb-1.azuredatabricks.net"');
    expect(connect).toContain('"http_path": "/sql/1.0/warehouses/abc"');
    expect(connect).toContain('os.environ["DATABRICKS_TOKEN"]');
    expect(connect).toContain('start = "2024-02-29"');
    for (const format of ["ipynb", "databricks"] as const) {
      for (const connect of ["lakebook", "warehouse"] as const) {
        const text = (await exportAs(alice, nb.id, format, connect)).text;
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain(SECRET.slice(-8));
      }
    }
    // Through Lakebook, the same notebook names its connection, not the warehouse.
    const lakebook: string = JSON.parse((await exportAs(alice, nb.id, "ipynb", "lakebook")).text).cells[0].source.join(
      "",
    );
    expect(lakebook).toContain(`LAKEBOOK_CONNECTION = "${personal}"`);
    expect(lakebook).not.toContain("azuredatabricks");
  });

  it("refuses what does not make sense or is not the member's to see", async () => {
    const builtin = await notebooks.createNotebook(alice, { title: "Built in", connectionId: "builtin", cells: [] });
    await expect(exportAs(alice, builtin.id, "ipynb", "warehouse")).rejects.toThrow(
      "The built-in warehouse is reached through Lakebook only",
    );
    const own = await notebooks.createNotebook(alice, { title: "Own", connectionId: personal, cells: [] });
    await expect(exportAs(bob, own.id, "ipynb", "lakebook")).rejects.toThrow(NOT_FOUND);
    await expect(exportAs(bob, "forged-id", "ipynb", "warehouse")).rejects.toThrow(NOT_FOUND);
    // Bob may view the notebook, not use Alice's personal connection: its host stays hers.
    await sharing.share(alice, "notebook", own.id, { kind: "user", id: bob.id }, "view");
    await expect(exportAs(bob, own.id, "ipynb", "warehouse")).rejects.toThrow(
      "You cannot use this notebook's connection",
    );
    const text = (await exportAs(bob, own.id, "ipynb", "lakebook")).text;
    expect(text).not.toContain("azuredatabricks");
    validateNotebook(text);
  });
});
