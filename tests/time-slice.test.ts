import { setImmediate } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { importNotebookSteps } from "@/lib/notebooks/formats";
import { runSteps, runStepsSliced } from "@/lib/steps";
import { MIB } from "./support/hostile-sql";

const { timeSlicer } = await import("@/lib/server/time-slice");

/** Counts turns of the event loop while `work` runs: how often other requests could have been served. */
async function turnsDuring<T>(work: Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let done = false;
  const ticking = (async () => {
    while (!done) {
      await setImmediate();
      turns++;
    }
  })();
  try {
    return { value: await work, turns };
  } finally {
    done = true;
    await ticking;
  }
}

const fill = (unit: string, chars: number) => unit.repeat(Math.floor(chars / unit.length));

/**
 * Large files of each kind the import reads, the worst for its scanners. (One
 * token is read at once: a 16 MiB unclosed comment is one tight loop, linear,
 * tested in lib/notebooks/formats/hostile.test.ts.)
 */
const FILES: Record<string, string> = {
  "databricks.sql": `-- Databricks notebook source\n${Array(400)
    .fill(`SELECT '${fill("/* -- ", 40_000)}'`)
    .join("\n\n-- COMMAND ----------\n\n")}`,
  "statements.sql": fill("SELECT '/* -- x';\n", 4 * MIB),
  "notebook.ipynb": JSON.stringify({
    nbformat: 4,
    metadata: {},
    cells: Array.from({ length: 500 }, () => ({ cell_type: "code", source: `%sql\n${fill("/* ", 30_000)}` })),
  }),
};

describe("an import in slices", () => {
  for (const [name, text] of Object.entries(FILES)) {
    it(`${name}: gives the event loop turns throughout, with the same outcome as at once`, async () => {
      const outcome = (f: () => unknown) => {
        try {
          return f();
        } catch (error) {
          return (error as Error).message;
        }
      };
      const atOnce = outcome(() => runSteps(importNotebookSteps(name, text)));
      const sliced = await turnsDuring(
        runStepsSliced(importNotebookSteps(name, text), timeSlicer(0)).catch((error: Error) => error.message),
      );
      expect(sliced.value).toEqual(atOnce);
      // Without slices the loop would not turn once until the end.
      expect(sliced.turns).toBeGreaterThan(20);
    });
  }

  it("pauses only once a slice of work has run", async () => {
    const pause = timeSlicer(60_000);
    const { turns } = await turnsDuring(
      (async () => {
        for (let i = 0; i < 1000; i++) await pause();
      })(),
    );
    expect(turns).toBe(0);
  });
});
