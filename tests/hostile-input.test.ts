import { beforeAll, describe, expect, it } from "vitest";
import type { RunView } from "@/lib/results/types";
import { prepareTempDataDir } from "./support/env";
import { MIB } from "./support/hostile-sql";
import { createTestUser } from "./support/users";

/**
 * Statements just under the 1 MiB limit that once took minutes to read on the
 * request thread (comment-stripping regexes that rescan): each must come back
 * promptly; the timeout catches a regression without measuring time.
 */

prepareTempDataDir();
process.env.LAKEBOOK_RESULT_MAX_ROWS = "10";

const runs = await import("@/lib/server/runs/runs");
const { runtime } = await import("@/lib/server/runtime");
const engine = (await runtime()).engine;
const me = await createTestUser();

async function run(sql: string): Promise<RunView> {
  const started = await runs.startRun(me, { sql, connectionId: "builtin", lane: "hostile", pageSize: 100 }, engine);
  let known = -1;
  for (;;) {
    const view = await runs.runState(me, started.run.id, known, 1000);
    if (view.status !== "running") return view;
    known = view.rowCount;
  }
}

/** `/* ` repeated to fill most of a statement of `bytes`. */
const openers = (bytes: number) => "/* ".repeat(Math.floor((bytes - 200) / 3));
const options = { timeout: 30_000 };

beforeAll(async () => {
  await run("SELECT 1");
}, 120_000);

describe("hostile statements just under the size limit", () => {
  it("runs SELECT '/* /* …' AS x", options, async () => {
    const text = openers(MIB);
    const view = await run(`SELECT length('${text}') AS x`);
    expect(view.status).toBe("succeeded");
    const page = await runs.readPage(me, view.id, 0, 10, null);
    expect(page.rows).toEqual([[String(text.length)]]);
  });

  it("runs a statement under a deeply nested comment, and reports an unclosed one", options, async () => {
    const depth = Math.floor((MIB - 100) / 6);
    const nested = await run(`SELECT 42 AS n /* ${"/* ".repeat(depth)}${" */".repeat(depth)} */`);
    expect(nested.status).toBe("succeeded");
    const unclosed = await run(`SELECT 42 AS n ${openers(MIB)}`);
    expect(unclosed.status).toBe("failed");
    expect(unclosed.error?.message).toMatch(/unterminated/i);
  });

  it("splits 1 MiB of semicolons and quotes without running anything twice", options, async () => {
    const semicolons = await run(`SELECT 7 AS n${";".repeat(MIB - 100)}`);
    expect(semicolons.status).toBe("succeeded");
    const quote = await run(`SELECT '${"''".repeat((MIB - 100) / 2)}' AS x; SELECT 8 AS n`);
    expect(quote.status).toBe("succeeded");
  });

  it("downloads every row of a cut result whose statement carries a 1 MiB comment", options, async () => {
    const depth = Math.floor((MIB - 200) / 6);
    const view = await run(`SELECT i FROM range(100) t(i) /* ${"/* ".repeat(depth)}${" */".repeat(depth)} */`);
    expect(view.truncated).toBe(true);
    const { body } = await runs.allRowsCsv(me, view.id, async () => engine);
    const lines = (await new Response(body).text()).trimEnd().split("\r\n");
    expect(lines).toHaveLength(101);
    expect(lines.at(-1)).toBe("99");
  });

  it(
    "runs a statement whose comment delimiters touch, which DuckDB's parser reads in quadratic time",
    options,
    async () => {
      // DuckDB alone took 0.9 s for 6,000 characters of `/*`; 1 MiB would hold a core for hours.
      const depth = Math.floor((MIB - 100) / 4);
      const closed = await run(`SELECT 42 AS n ${"/*".repeat(depth)}${"*/".repeat(depth)}`);
      expect(closed.status).toBe("succeeded");
      const unclosed = await run(`SELECT 42 AS n\n${"/*/".repeat(Math.floor((MIB - 100) / 3))}`);
      expect(unclosed.status).toBe("failed");
      expect(unclosed.error).toMatchObject({ message: "Parser Error: unterminated /* comment", line: 2, column: 1 });
    },
  );
});

describe("where an error is marked", () => {
  it("counts characters, not bytes, after accents, emoji and comments", options, async () => {
    const sql = "SELECT 'naïve 🦆' /* ü ☕ */ + FROM t";
    const parser = await run(sql);
    expect(parser.error).toMatchObject({ line: 1, column: sql.indexOf("FROM") + 1 });
    const binder = await run("SELECT '🦆é' /* ü */ AS a, nope FROM range(1)");
    expect(binder.error?.message).toContain('"nope"');
    expect(binder.error).toMatchObject({ line: 1, column: "SELECT '🦆é' /* ü */ AS a, ".length + 1 });
  });
});
