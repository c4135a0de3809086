import "server-only";
import { type DuckDBConnection, type DuckDBPreparedStatement, StatementType } from "@duckdb/node-api";
import { EngineError } from "../types";
import { duckdbError } from "./errors";
import type { DuckDBParameters } from "./parameters";
import {
  checkPlan,
  FILE_ACCESS,
  Opening,
  PLANNED_KINDS,
  type PlanNode,
  Refusal,
  refusedByOpening,
  refusedCall,
  refusedKind,
} from "./sandbox-policy";

/**
 * The one statement of `text`, prepared, once the sandbox has admitted it:
 * DuckDB parses and binds it (with external access off, so binding reads no
 * file but the warehouse's own), then its kind and, for queries, changes and
 * CREATEs, its plan are checked. What runs is exactly what was checked: with
 * `parameters`, the plan is made with the same values bound, and the prepared
 * statement comes back with them bound.
 */
export async function prepareAdmitted(
  connection: DuckDBConnection,
  text: string,
  parameters?: DuckDBParameters,
): Promise<DuckDBPreparedStatement> {
  // DuckDB stops reading at a NUL character: what follows it would be silently dropped.
  if (text.includes("\0"))
    throw new EngineError("The statement contains a NUL character (\\0). Remove it and run again.", {
      position: Buffer.byteLength(text.slice(0, text.indexOf("\0"))),
    });
  const opening = new Opening(text);
  const early = refusedByOpening(opening) ?? refusedCall(text, await tableFunctions(connection));
  if (early) throw new SandboxError(early, text);
  const statements = await connection.extractStatements(text).catch((error: unknown) => {
    throw sandboxed(error, text);
  });
  if (statements.count !== 1) throw await severalStatements(statements, statements.count, text);
  const prepared = await statements.prepare(0).catch((error: unknown) => {
    throw sandboxed(error, text);
  });
  try {
    if (parameters) {
      try {
        prepared.bind(parameters.values, parameters.types);
      } catch (error) {
        throw duckdbError(error);
      }
    }
    const kind = StatementType[prepared.statementType] ?? "INVALID";
    const refused = await admit(connection, text, opening, kind, parameters);
    if (refused) throw new SandboxError(refused, text);
    return prepared;
  } catch (error) {
    prepared.destroySync();
    throw error;
  }
}

async function admit(
  connection: DuckDBConnection,
  text: string,
  opening: Opening,
  kind: string,
  parameters: DuckDBParameters | undefined,
): Promise<Refusal | null> {
  if (kind === "SELECT" && opening.word(0) === "PRAGMA") return opening.checkPragma();
  if (PLANNED_KINDS.has(kind)) return checkPlan(await plan(connection, text, parameters), kind);
  switch (kind) {
    case "TRANSACTION":
      return null;
    case "CREATE": {
      const found = await plan(connection, text, parameters).catch((error: unknown) => {
        if (opening.createsAllowedKind()) throw error;
        return null;
      });
      if (!found) return refusedCreate(opening);
      const refused = checkPlan(found, kind);
      if (refused || found[0]?.name !== "CREATE_VIEW") return refused;
      // A view's query is bound when it is created, but planned only when read.
      const query = opening.viewQuery();
      return query === null ? refusedCreate(opening) : await admitNested(connection, query, "SELECT");
    }
    case "DROP":
      return opening.checkDrop();
    case "ALTER":
      return opening.checkAlter();
    case "SET":
      return opening.checkUse(await catalogs(connection));
    case "EXPLAIN": {
      const explained = opening.explained();
      return explained === null ? refusedKind("EXPLAIN") : await admitNested(connection, explained, null, parameters);
    }
    default:
      return refusedKind(kind);
  }
}

/** Checks a statement inside another (an EXPLAIN's, a view's query) as if it ran on its own. */
async function admitNested(
  connection: DuckDBConnection,
  text: string,
  kind: string | null,
  parameters?: DuckDBParameters,
): Promise<Refusal | null> {
  let prepared: DuckDBPreparedStatement;
  try {
    prepared = await prepareAdmitted(connection, text, parameters);
  } catch (error) {
    if (error instanceof SandboxError) return error.refusal;
    throw error;
  }
  const found = StatementType[prepared.statementType];
  prepared.destroySync();
  return kind === null || found === kind ? null : refusedKind(found ?? "INVALID");
}

function refusedCreate(opening: Opening): Refusal {
  return refusedKind(`CREATE_${opening.createKind() || "STATEMENT"}`);
}

/** DuckDB's plan of one statement, as `EXPLAIN (FORMAT json)` gives it: bound, never run. */
async function plan(
  connection: DuckDBConnection,
  text: string,
  parameters: DuckDBParameters | undefined,
): Promise<PlanNode[]> {
  let reader: Awaited<ReturnType<DuckDBConnection["runAndReadAll"]>>;
  const prefix = "EXPLAIN (FORMAT json) ";
  try {
    reader = await connection.runAndReadAll(`${prefix}${text}`, parameters?.values, parameters?.types);
  } catch (error) {
    // DuckDB counts the position in the text it read: the statement starts after the prefix.
    const found = sandboxed(error, `${prefix}${text}`);
    const position = found.details.position;
    if (position === undefined || found instanceof SandboxError) throw found;
    throw new EngineError(found.message, {
      ...found.details,
      position: position >= prefix.length ? position - prefix.length : 0,
    });
  }
  const rows = reader.getRowsJS();
  return JSON.parse(String(rows[0]?.[1] ?? "[]")) as PlanNode[];
}

/** The names of DuckDB's table functions, read once: they come with the DuckDB build. */
let tableFunctionNames: Promise<Set<string>> | null = null;

function tableFunctions(connection: DuckDBConnection): Promise<Set<string>> {
  tableFunctionNames ??= connection
    .runAndReadAll("SELECT DISTINCT lower(function_name) FROM duckdb_functions() WHERE function_type = 'table'")
    .then((reader) => new Set(reader.getRowsJS().map(([name]) => String(name))))
    .catch((error: unknown) => {
      tableFunctionNames = null;
      throw duckdbError(error);
    });
  return tableFunctionNames;
}

async function catalogs(connection: DuckDBConnection): Promise<Set<string>> {
  const reader = await connection.runAndReadAll("SELECT database_name FROM duckdb_databases()");
  return new Set(reader.getRowsJS().map(([name]) => String(name).toLowerCase()));
}

/**
 * DuckDB reads some statements as several (COPY FROM DATABASE, PIVOT without
 * its values); each would need its own check, so the text is refused, naming
 * the first kind that is never allowed when there is one.
 */
async function severalStatements(
  statements: Awaited<ReturnType<DuckDBConnection["extractStatements"]>>,
  count: number,
  text: string,
): Promise<EngineError> {
  for (let i = 0; i < count; i++) {
    const prepared = await statements.prepare(i).catch(() => null);
    if (!prepared) break;
    const kind = StatementType[prepared.statementType] ?? "INVALID";
    prepared.destroySync();
    if (kind !== "TRANSACTION" && !PLANNED_KINDS.has(kind)) return new SandboxError(refusedKind(kind), text);
  }
  return new EngineError(
    "DuckDB reads this as several statements, which the built-in warehouse cannot check one by one. End each statement with a semicolon, or write it in a simpler form.",
    { position: 0 },
  );
}

/** A refusal, as the run's error: it points at the statement's start. */
class SandboxError extends EngineError {
  constructor(
    readonly refusal: Refusal,
    text: string,
  ) {
    // DuckDB reports positions as byte offsets; so does the run's error.
    super(refusal.message, { position: Buffer.byteLength(text.slice(0, refusal.at)) });
  }
}

/**
 * DuckDB's own refusal to touch a file (external access is off) comes while it
 * binds, before there is a plan to check: it is the sandbox's refusal too.
 */
function sandboxed(error: unknown, text: string): EngineError {
  const found = duckdbError(error, text);
  return found.message.startsWith("Permission Error:") ? new SandboxError(new Refusal(FILE_ACCESS), text) : found;
}
