// The hostile inputs of the event-loop phase (hostile.mts): the largest inputs
// the server accepts (statements, notebook files, titles, a host name), built
// to be slow to scan.
import type { ActionResult, Client, DataOf, RunView } from "./client.mjs";
import { settle } from "./runs.mjs";
import type { BenchServer } from "./server.mjs";
import { fmtSize } from "./stats.mjs";

/** LAKEBOOK_MAX_SQL_BYTES's default, which the bench's servers keep. */
const MAX_SQL_BYTES = 1024 * 1024;
/** What a member may save as a query's SQL or a draft (MAX_DRAFT_CHARS in lib/tabs.ts). */
const MAX_DRAFT_CHARS = 2 * 1024 * 1024;
/** The largest notebook file the import accepts (MAX_IMPORT_BYTES in lib/notebooks/import-limit.ts). */
const MAX_IMPORT_CHARS = 16 * 1024 * 1024;
/** The most text a notebook's cells may hold (MAX_NOTEBOOK_CHARS in lib/schemas/notebooks.ts). */
const MAX_NOTEBOOK_CHARS = 8 * 1024 * 1024;

/** A server with the probes on and its two signed-in sessions (see openSession). */
export interface Session {
  server: BenchServer;
  client: Client;
  cheap: Client;
  small: RunView;
  probes: boolean;
  logFile: string;
  lane: () => string;
  lastRun: RunView | null;
  callOptions: { timeoutMs: number };
}

/** One hostile input and how to send it; `send` returns a short outcome. */
export interface Input {
  name: string;
  bytes: number;
  send: (session: Session) => Promise<{ outcome: string }>;
}

/** `unit` repeated between `head` and `tail` to `chars` characters in all (ASCII, so also bytes). */
const fill = (head: string, unit: string, tail: string, chars: number): string =>
  head + unit.repeat(Math.max(0, Math.floor((chars - head.length - tail.length) / unit.length))) + tail;

/** A Jupyter notebook of `chars` characters: code cells of `%sql` statements whose one string is full of comment openers. */
function ipynb(chars: number, cells: number): string {
  const per = Math.floor(chars / cells) - 120;
  const cell = {
    cell_type: "code",
    execution_count: null,
    metadata: {},
    outputs: [],
    source: ["%sql\n", fill("SELECT '", "/* -- ", "' AS x", per)],
  };
  return JSON.stringify({ cells: Array(cells).fill(cell), metadata: {}, nbformat: 4, nbformat_minor: 5 });
}

/** A Databricks source notebook (.sql with the header) of `chars` characters, `cells` commands. */
function databricksSql(chars: number, cells: number): string {
  const per = Math.floor(chars / cells) - 30;
  const command = fill("SELECT '", "/* -- ", "' AS x", per);
  return `-- Databricks notebook source\n${Array(cells).fill(command).join("\n\n-- COMMAND ----------\n\n")}\n`;
}

/** A plain .sql file (no header: split into statements) of `chars` characters, statements of about 32 KiB. */
function plainSql(chars: number): string {
  const statement = fill("SELECT '", "/* ", "' AS x;\n", 32 * 1024);
  return statement.repeat(Math.max(1, Math.floor(chars / statement.length)));
}

/** A plain .sql file that is one unclosed comment full of comment openers. */
const unclosedSql = (chars: number): string => fill("SELECT 1 /* ", "/* ", "", chars);

/**
 * The hostile inputs, largest first where the limits allow. Each `send`
 * returns a short outcome ("run succeeded", "refused: …", "HTTP 413"); an
 * input that the server rejects is as much a finding as one it accepts.
 */
export function hostileInputs({ smoke, bodyBytes }: { smoke: boolean; bodyBytes: number }): Input[] {
  const sqlBytes = smoke ? 64 * 1024 : MAX_SQL_BYTES - 16;
  const nameChars = smoke ? 64 * 1024 : 1024 * 1024;
  const draftChars = smoke ? 64 * 1024 : MAX_DRAFT_CHARS;
  // Imports at the route's own limit (smoke: 1 MB): each 16 MiB file makes a notebook over
  // what one may hold, so it is read whole and refused; the largest notebook that can be saved
  // (8 MiB of cells) is read and written.
  const importChars = smoke ? 1_000_000 : MAX_IMPORT_CHARS;
  const imports = [{ label: fmtSize(importChars), chars: importChars, all: true }];
  if (!smoke)
    imports.push({
      label: `${fmtSize(MAX_NOTEBOOK_CHARS)} (the largest notebook)`,
      chars: MAX_NOTEBOOK_CHARS,
      all: false,
    });

  // An answer that is not the action's (Next.js refuses a body over its limit with a 500) says so, with the body's size.
  const call = async <K extends string>(
    s: Session,
    name: K,
    args: unknown,
  ): Promise<{ value: ActionResult<DataOf<K>>; http?: boolean }> => {
    try {
      return await s.client.call(name, args, s.callOptions);
    } catch (error) {
      if (!(error as { status?: number }).status) throw error;
      const body = Buffer.byteLength(JSON.stringify([args]));
      const over = body > bodyBytes ? ` (a ${fmtSize(body)} body, over the limit)` : "";
      return { value: { ok: false, error: `HTTP ${(error as { status: number }).status}${over}` }, http: true };
    }
  };
  const run = (sql: string) => async (s: Session) => {
    const started = await call(s, "startRunAction", { connectionId: "builtin", sql, lane: s.lane(), pageSize: 100 });
    if (!started.value.ok) return { outcome: `${started.http ? "" : "refused: "}${started.value.error}` };
    const end = await settle(s.client, started.value.data.run);
    if (end.status === "succeeded") s.lastRun = end;
    return { outcome: `run ${end.status}${end.error ? `: ${end.error.message}` : ""}` };
  };
  const action = (name: string, args: unknown) => async (s: Session) => {
    const { value, http } = await call(s, name, args);
    return { outcome: value.ok ? "accepted" : `${http ? "" : "refused: "}${value.error}` };
  };
  const notebook = (filename: string, text: string) => async (s: Session) => {
    const { status, value } = await s.client.importNotebook(filename, text, "builtin", s.callOptions);
    return { outcome: value.ok ? "accepted" : `refused (HTTP ${status}): ${value.error}` };
  };

  const inputs: Input[] = [
    {
      name: "statement: one string of comment openers",
      bytes: sqlBytes,
      send: run(fill("SELECT '", "/* ", "' AS x", sqlBytes)),
    },
    {
      name: "CSV download of that run (file name from its SQL)",
      bytes: sqlBytes,
      send: async (s: Session) => {
        if (!s.lastRun) return { outcome: "skipped: the run before did not succeed" };
        const csv = await s.client.csv(s.lastRun.id, { timeoutMs: s.callOptions.timeoutMs });
        return { outcome: `downloaded ${fmtSize(csv.bytes)}` };
      },
    },
    {
      name: "statement: unclosed comment of comment openers",
      bytes: sqlBytes,
      send: run(fill("SELECT 1 /* ", "/* ", "", sqlBytes)),
    },
    {
      name: "statement: unclosed string of -- and /*",
      bytes: sqlBytes,
      send: run(fill("SELECT '", "-- /* ", "", sqlBytes)),
    },
  ];
  for (const size of imports) {
    inputs.push({
      name: `import .ipynb, ${size.label}`,
      bytes: size.chars,
      send: notebook("hostile.ipynb", ipynb(size.chars, 500)),
    });
    inputs.push({
      name: `import Databricks .sql, ${size.label}`,
      bytes: size.chars,
      send: notebook("hostile.sql", databricksSql(size.chars, 500)),
    });
    if (size.all) {
      inputs.push({
        name: `import plain .sql (32 KiB statements), ${size.label}`,
        bytes: size.chars,
        send: notebook("plain.sql", plainSql(size.chars)),
      });
      inputs.push({
        name: `import plain .sql (one unclosed comment), ${size.label}`,
        bytes: size.chars,
        send: notebook("unclosed.sql", unclosedSql(size.chars)),
      });
    }
  }
  const openers = (chars: number) => fill("", "/* ", "", chars);
  inputs.push(
    {
      name: "save a query: title, description and SQL of comment openers",
      bytes: 3 * nameChars,
      send: action("createQueryAction", {
        title: openers(nameChars),
        description: openers(nameChars),
        sql: openers(nameChars),
        connectionId: "builtin",
      }),
    },
    {
      name: "save a query: SQL of comment openers",
      bytes: draftChars,
      send: action("createQueryAction", {
        title: "hostile",
        description: "",
        sql: openers(draftChars),
        connectionId: "builtin",
      }),
    },
    {
      name: "connection host: one line of slashes",
      bytes: nameChars,
      send: action("saveConnectionAction", {
        name: "hostile",
        host: fill("", "/", "\nx", nameChars),
        port: 443,
        httpPath: "/sql/1.0/warehouses/x",
        authType: "token",
        secret: "dapi-not-a-token",
        scope: "personal",
      }),
    },
  );
  return inputs;
}
