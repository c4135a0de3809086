import "server-only";
import { identifierText, significantTokens, type Token, tokens } from "@/lib/sql/tokens";
import { READ_PRAGMAS, REFUSED_KINDS, TABLE_FUNCTIONS } from "./sandbox-lists";

/**
 * What a member's SQL may do on the built-in warehouse, a server every member
 * shares: read `samples`, and create, change and drop tables and views in
 * `workspace`. Everything is decided from DuckDB's own parse (the statement's
 * kind) and plan (what a CREATE makes, which table functions a query calls);
 * the statement's first words only name the kind of a DROP, ALTER, USE or
 * PRAGMA that DuckDB's kind leaves open. Everything not listed here is refused.
 */

/** Reading or writing a file, refused by DuckDB itself (external access is off) before the plan exists. */
export const FILE_ACCESS = "Reading or writing files on the server";

/** Statement kinds (DuckDB's StatementType names) whose plan is checked, then allowed. */
export const PLANNED_KINDS = new Set(["SELECT", "INSERT", "UPDATE", "DELETE", "MERGE_INTO"]);

/** What a CREATE may make: the root operator of its plan. */
const CREATE_OPERATORS = new Set([
  "CREATE_TABLE",
  "CREATE_TABLE_AS",
  "BATCH_CREATE_TABLE_AS",
  "CREATE_VIEW",
  "CREATE_SCHEMA",
  "CREATE_INDEX",
  "CREATE_SEQUENCE",
]);

/** The same, as the word after CREATE (for statements DuckDB could not plan). */
const CREATE_WORDS = new Set(["TABLE", "VIEW", "SCHEMA", "INDEX", "SEQUENCE"]);

/**
 * What a DROP may drop: what a CREATE may make. Types are left out: DuckDB
 * 1.5 cannot replay a log holding a type dropped with its schema, so the
 * server would not start again after a crash.
 */
const DROP_KINDS = CREATE_WORDS;
const ALTER_KINDS = new Set(["TABLE", "VIEW", "SEQUENCE"]);

/** Catalogs a member may USE. */
export const MEMBER_CATALOGS = new Set(["workspace", "samples"]);

/**
 * A call of a table function that is not allowed, found in the text before
 * DuckDB binds it: binding alone runs a file reader far enough to sniff the
 * file, and its errors can quote what it read. `tableFunctions` are the names
 * DuckDB's own catalog lists as table functions; the plan check after binding
 * stays the rule, this only refuses earlier.
 */
export function refusedCall(text: string, tableFunctions: Set<string>): Refusal | null {
  let name: Token | null = null;
  for (const token of tokens(text, "duckdb")) {
    if (token.kind === "space" || token.kind === "comment") continue;
    if (name !== null && token.kind === "symbol" && text[token.start] === "(") {
      const called = identifierText(text, name).toLowerCase();
      if (tableFunctions.has(called) && !TABLE_FUNCTIONS.has(called.toUpperCase()))
        return new Refusal(`The table function ${called}()`, name.start);
    }
    name = token.kind === "word" || token.kind === "quoted" ? token : null;
  }
  return null;
}

/** A statement the sandbox refuses, named for the member. */
export class Refusal {
  constructor(
    readonly what: string,
    /** Where in the statement (UTF-16 offset) the refused part is, when it is known. */
    readonly at = 0,
  ) {}

  get message(): string {
    return `${this.what} is not allowed on the built-in warehouse. Members share this server, so SQL here reads \`samples\` and creates, changes and drops tables and views in \`workspace\`, and nothing else.`;
  }
}

/** Names a kind of statement that is never allowed. */
export function refusedKind(kind: string): Refusal {
  return new Refusal(REFUSED_KINDS[kind] ?? `A ${kind.replaceAll("_", " ")} statement`);
}

/** A node of DuckDB's `EXPLAIN (FORMAT json)` plan. */
export interface PlanNode {
  name: string;
  children?: PlanNode[];
  extra_info?: Record<string, unknown>;
}

/** The first refused thing in a plan: a CREATE of the wrong kind at its root, or a table function. */
export function checkPlan(plan: PlanNode[], kind: string): Refusal | null {
  if (kind === "CREATE") {
    const root = plan[0]?.name ?? "";
    if (!CREATE_OPERATORS.has(root)) return new Refusal(root.replaceAll("_", " ") || "This CREATE");
  }
  const pending = [...plan];
  while (pending.length > 0) {
    const node = pending.pop() as PlanNode;
    const fn = node.extra_info?.Function;
    if (typeof fn === "string" && !TABLE_FUNCTIONS.has(fn.toUpperCase())) {
      return new Refusal(`The table function ${fn.toLowerCase()}()`);
    }
    if (node.children) pending.push(...node.children);
  }
  return null;
}

/** The words (upper case) and names that open a statement, for the checks DuckDB's kind leaves open. */
export class Opening {
  readonly tokens: Token[];

  constructor(
    readonly text: string,
    count = 8,
  ) {
    this.tokens = significantTokens(text, "duckdb", count);
  }

  word(i: number): string {
    const token = this.tokens[i];
    return token?.kind === "word" ? this.text.slice(token.start, token.end).toUpperCase() : "";
  }

  /** Whether a CREATE DuckDB could not plan is of an allowed kind, so its error is DuckDB's to tell. */
  createsAllowedKind(): boolean {
    return CREATE_WORDS.has(this.createKind());
  }

  /** The kind a CREATE makes, past OR REPLACE, TEMP and the like (for messages). */
  createKind(): string {
    const modifiers = new Set(["OR", "REPLACE", "TEMP", "TEMPORARY", "PERSISTENT", "UNIQUE", "UNLOGGED"]);
    let i = 1;
    while (modifiers.has(this.word(i))) i++;
    return this.word(i);
  }

  /** The DROP's kind, refused unless a table, view or their kin. */
  checkDrop(): Refusal | null {
    const kind = this.word(1);
    return DROP_KINDS.has(kind) ? null : new Refusal(`DROP ${kind || "of this kind"}`.trim());
  }

  checkAlter(): Refusal | null {
    if (this.word(0) === "COMMENT" && this.word(1) === "ON") return null;
    const kind = this.word(1);
    return this.word(0) === "ALTER" && ALTER_KINDS.has(kind) ? null : new Refusal(`ALTER ${kind}`.trim());
  }

  /** A read-only PRAGMA (which DuckDB turns into a query), or a refusal. */
  checkPragma(): Refusal | null {
    return READ_PRAGMAS.has(this.word(1)) ? null : new Refusal(`PRAGMA ${this.word(1).toLowerCase()}`.trim());
  }

  /**
   * USE of `workspace`, `samples` or a schema in them; `catalogs` are the
   * instance's databases, so a one-part name that is a catalog is checked as one.
   */
  checkUse(catalogs: Set<string>): Refusal | null {
    if (this.word(0) !== "USE") return refusedKind("SET");
    const first = this.tokens[1];
    if (!first || (first.kind !== "word" && first.kind !== "quoted")) return new Refusal("This USE");
    const name = identifierText(this.text, first).toLowerCase();
    const dotted = this.tokens[2] && this.text.slice(this.tokens[2].start, this.tokens[2].end) === ".";
    const isCatalog = dotted || catalogs.has(name);
    return !isCatalog || MEMBER_CATALOGS.has(name) ? null : new Refusal(`USE ${name}`);
  }

  /**
   * Where the statement an EXPLAIN explains starts: past EXPLAIN, ANALYZE and
   * a parenthesised list of options.
   */
  explained(): string | null {
    const all = significantTokens(this.text, "duckdb", 64);
    let i = 1;
    if (this.word(i) === "ANALYZE" || this.word(i) === "ANALYSE") i++;
    if (all[i] && this.symbol(all[i]) === "(") {
      let depth = 0;
      for (; i < all.length; i++) {
        const symbol = this.symbol(all[i]);
        if (symbol === "(") depth++;
        if (symbol === ")" && --depth === 0) break;
      }
      i++;
    }
    return all[i] ? this.text.slice(all[i].start) : null;
  }

  /** The query of a CREATE VIEW: the text after its first top-level AS. */
  viewQuery(): string | null {
    let depth = 0;
    for (const token of significantTokens(this.text, "duckdb", Number.POSITIVE_INFINITY)) {
      const symbol = this.symbol(token);
      if (symbol === "(") depth++;
      else if (symbol === ")") depth--;
      else if (depth === 0 && token.kind === "word" && this.text.slice(token.start, token.end).toUpperCase() === "AS")
        return this.text.slice(token.end);
    }
    return null;
  }

  private symbol(token: Token): string {
    return token.kind === "symbol" ? this.text.slice(token.start, token.end) : "";
  }
}

/**
 * Statements whose very extraction or preparation does work DuckDB would refuse
 * to undo (IMPORT reads files while it is parsed), or whose preparation fails
 * for reasons that would only hide the refusal (CREATE SECRET of an unknown type).
 */
export function refusedByOpening(opening: Opening): Refusal | null {
  const first = opening.word(0);
  if (first === "IMPORT") return new Refusal("IMPORT DATABASE");
  if (first === "ATTACH" || first === "DETACH") return refusedKind(first);
  if (first === "INSTALL" || first === "LOAD") return refusedKind("LOAD");
  if (first === "EXPORT") return refusedKind("EXPORT");
  if (first === "COPY")
    return refusedKind(opening.word(1) === "FROM" && opening.word(2) === "DATABASE" ? "COPY_DATABASE" : "COPY");
  if (first === "SET" || first === "RESET") return refusedKind("SET");
  if (first === "PRAGMA" && opening.checkPragma()) return opening.checkPragma();
  if (first === "DROP") return opening.checkDrop();
  if (first === "CALL") return refusedKind("CALL");
  if (first === "CREATE") {
    const kind = opening.createKind();
    if (kind === "SECRET" || kind === "MACRO" || kind === "FUNCTION" || kind === "TYPE")
      return new Refusal(`CREATE ${kind}`);
  }
  return null;
}
