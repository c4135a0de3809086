import { describe, expect, it } from "vitest";
import type { NotebookContent } from "@/lib/notebooks/types";
import type { ParameterSpec } from "@/lib/sql/parameters";
import { splitStatements } from "@/lib/sql/split";
import { exportNotebook, importNotebook } from "./index";
import { WIDGETS_MARKER } from "./sql-widgets";

// `${y}`: what Databricks notebooks would substitute in SQL text.
const SUBSTITUTION = "$" + "{y}";
const HOSTILE = `it's \\ a */ /* $x ${SUBSTITUTION}\n-- COMMAND ----------\nDROP TABLE t; --\r\u2028end`;
/** HOSTILE as a one-line Spark literal. */
const LITERAL = `'it\\'s \\\\ a */ /* \\$x \\${SUBSTITUTION}\\n-- COMMAND ----------\\nDROP TABLE t; --\\r\\u2028end'`;

function notebook(parameters: ParameterSpec[]): NotebookContent {
  return {
    title: "Widgets",
    connectionId: "conn-1",
    parameters,
    cells: [
      { id: crypto.randomUUID(), kind: "sql", source: "SELECT :day, :`start date`", connectionId: null, chart: null },
      { id: crypto.randomUUID(), kind: "sql", source: "SELECT :n", connectionId: null, chart: null },
    ],
  };
}

const ALL: ParameterSpec[] = [
  { name: "day", type: "date", value: "2024-02-29" },
  { name: "n", type: "number", value: "42" },
  { name: "at", type: "timestamp", value: "2024-02-29 13:45:10.123456" },
  { name: "start date", type: "text", value: HOSTILE },
  { name: "it`s", type: "choice", value: "b'", choices: ["a", "b'", HOSTILE] },
  { name: "ids", type: "multi", value: ["2", "3"], choices: ["1", "2", "3"] },
  { name: "payment", type: "query", value: "CRD", queryId: "q-1", choices: ["CSH", "CRD"] },
  { name: "select", type: "query", value: "", queryId: "q-2" },
];

describe("the .sql export's widgets", () => {
  const file = exportNotebook(notebook(ALL), "sql");
  const commands = file.text.split("\n\n-- COMMAND ----------\n\n");

  it("come first, one CREATE WIDGET per parameter, values as one-line Spark literals", () => {
    expect(commands).toHaveLength(3);
    const first = commands[0].replace("-- Databricks notebook source\n", "");
    expect(first.startsWith(WIDGETS_MARKER)).toBe(true);
    const lines = first.split("\n").filter((l) => l.startsWith("CREATE WIDGET"));
    expect(lines).toEqual([
      "CREATE WIDGET TEXT day DEFAULT '2024-02-29';",
      "CREATE WIDGET TEXT n DEFAULT '42';",
      "CREATE WIDGET TEXT at DEFAULT '2024-02-29 13:45:10.123456';",
      `CREATE WIDGET TEXT \`start date\` DEFAULT ${LITERAL};`,
      `CREATE WIDGET DROPDOWN \`it\`\`s\` DEFAULT 'b\\'' CHOICES SELECT * FROM (VALUES ('a'), ('b\\''), (${LITERAL}));`,
      "CREATE WIDGET MULTISELECT ids DEFAULT '2' CHOICES SELECT * FROM (VALUES ('1'), ('2'), ('3'));",
      "CREATE WIDGET DROPDOWN payment DEFAULT 'CRD' CHOICES SELECT * FROM (VALUES ('CSH'), ('CRD'));",
      "CREATE WIDGET TEXT `select` DEFAULT '';",
    ]);
    // The cells follow as they are, their markers untouched.
    expect(commands[1]).toBe("SELECT :day, :`start date`");
  });

  it("a hostile value makes no line, cell or statement of its own", () => {
    const text = file.text;
    expect(text.split("\n").filter((l) => l === "-- COMMAND ----------")).toHaveLength(2);
    expect(text).not.toContain("\nDROP TABLE");
    expect(text).not.toContain("\u2028");
    // Spark reads the command as eight CREATE WIDGET statements, the value inside its literal.
    const statements = splitStatements(commands[0], "databricks");
    for (const statement of statements) {
      const code = statement.text.split("\n").filter((line) => !line.startsWith("-- "));
      expect(code).toHaveLength(1);
      expect(code[0]).toMatch(/^CREATE WIDGET (TEXT|DROPDOWN|MULTISELECT) /);
    }
    expect(statements).toHaveLength(8);
  });

  it("are read back as the notebook's parameters on import, the cells as they were", () => {
    const back = importNotebook(file.filename, file.text);
    expect(back.cells.map((c) => c.source)).toEqual(["SELECT :day, :`start date`", "SELECT :n"]);
    expect(back.parameters).toEqual([
      { name: "day", type: "date", value: "2024-02-29" },
      { name: "n", type: "number", value: "42" },
      { name: "at", type: "timestamp", value: "2024-02-29 13:45:10.123456" },
      { name: "start date", type: "text", value: HOSTILE },
      { name: "it`s", type: "choice", value: "b'", choices: ["a", "b'", HOSTILE] },
      // Databricks' multi-select default is one value; a query's dropdown keeps the values it had.
      { name: "ids", type: "multi", value: ["2"], choices: ["1", "2", "3"] },
      { name: "payment", type: "choice", value: "CRD", choices: ["CSH", "CRD"] },
      { name: "select", type: "text", value: "" },
    ]);
  });

  it("a notebook without parameters has no widget command; a hand-edited one stays a SQL cell", () => {
    expect(exportNotebook(notebook([]), "sql").text).not.toContain("CREATE WIDGET");
    const edited = file.text.replace("CREATE WIDGET TEXT n DEFAULT '42';", "CREATE WIDGET TEXT n DEFAULT 42;");
    const back = importNotebook(file.filename, edited);
    expect(back.parameters).toBeUndefined();
    expect(back.cells[0].source.startsWith(WIDGETS_MARKER)).toBe(true);
  });
});
