import "server-only";
import { randomUUID } from "node:crypto";
import type { StatementView } from "@/lib/results/types";
import type { Statement } from "@/lib/sql/split";
import type { RunRecord } from "./catalog";

/**
 * A script (a run of several statements) keeps each statement's result: the
 * last statement's rows are the script's own, as for a single statement; an
 * earlier statement's rows are stored as a run of its own whose `parentId` is
 * the script, so that it pages, sorts and downloads like any result, and
 * whoever may read the script may read it (access.ts). The script lists its
 * statements (`StatementView`); the history lists only the script.
 *
 * At most this many statements are listed one by one (and have their rows
 * kept): a pasted dump of thousands of INSERTs still runs whole, but neither
 * its record nor each status answer grows with it.
 */
export const MAX_LISTED_STATEMENTS = 1_000;

export function newRunId(): string {
  return randomUUID().replaceAll("-", "");
}

/** The record of an earlier statement's result, as it starts. */
export function statementRun(script: RunRecord, statement: Statement): RunRecord {
  return {
    id: newRunId(),
    owner: script.owner,
    connectionId: script.connectionId,
    // Read through the script (access.ts): never listed as a saved query's or a notebook's result itself.
    queryId: null,
    notebookId: null,
    parentId: script.id,
    sql: statement.text,
    status: "running",
    columns: [],
    rowCount: 0,
    truncated: false,
    message: null,
    statementCount: 1,
    statements: [],
    error: null,
    startedAt: new Date(),
    finishedAt: null,
    firstPageMs: null,
    ranAs: script.ranAs ?? null,
  };
}

/**
 * Where each statement starts in `sql`, as 1-based line and column: one pass
 * over the text, whatever the number of statements (offsets ascend).
 */
export function statementPositions(sql: string, statements: Statement[]): { line: number; column: number }[] {
  const positions: { line: number; column: number }[] = [];
  let line = 1;
  let lineStart = 0;
  let at = 0;
  for (const { offset } of statements) {
    for (; at < offset && at < sql.length; at++) {
      if (sql.charCodeAt(at) === 10) {
        line++;
        lineStart = at + 1;
      }
    }
    positions.push({ line, column: offset - lineStart + 1 });
  }
  return positions;
}

/** The view of a statement as it starts. */
export function startedStatement(position: { line: number; column: number }): StatementView {
  return { ...position, status: "running", resultId: null, rowCount: 0, message: null, elapsedMs: null };
}

/** The statements that did not run (after a failure or a cancel), listed as skipped. */
export function skippedStatements(positions: { line: number; column: number }[], from: number): StatementView[] {
  return positions.slice(from).map((position) => ({
    ...position,
    status: "skipped",
    resultId: null,
    rowCount: 0,
    message: null,
    elapsedMs: null,
  }));
}
