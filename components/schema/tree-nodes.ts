import type { ActionResult } from "@/lib/action-result";
import { listColumnsAction, listSchemasAction, listTablesAction } from "@/lib/actions/catalog";
import { quoteIdentifier } from "@/lib/sql/quote";
import type { SqlDialect } from "@/lib/sql/split";

export interface Node {
  key: string;
  label: string;
  detail?: string;
  /** What clicking the name inserts into the editor. */
  insert: string;
  /** Shown open at first (the catalog and schema an editor tab's session is in). */
  open?: boolean;
  load?: () => Promise<ActionResult<Node[]>>;
}

/** Where an editor tab's session resolves unqualified names. */
export interface CurrentPlace {
  catalog: string;
  schema: string;
}

/**
 * Tree nodes of one connection: what each loads and what clicking it inserts.
 * The catalog and schema of `place` open at first and say they are current.
 */
export class Names {
  constructor(
    private readonly connectionId: string,
    private readonly dialect: SqlDialect,
    private readonly place: CurrentPlace | null = null,
  ) {}

  /** Whether a table of `catalog`.`schema` is what its bare name means in the tab. */
  isCurrent(catalog: string, schema?: string): boolean {
    return this.place?.catalog === catalog && (schema === undefined || this.place.schema === schema);
  }

  private quote(...parts: string[]): string {
    return parts.map((part) => quoteIdentifier(part, this.dialect)).join(".");
  }

  catalog(catalog: string): Node {
    const connectionId = this.connectionId;
    return {
      key: catalog,
      label: catalog,
      insert: this.quote(catalog),
      ...(this.isCurrent(catalog) ? { open: true, detail: "current" } : {}),
      load: async () =>
        mapResult(await listSchemasAction({ connectionId, catalog }), (schemas) =>
          schemas.map((s) => this.schema(catalog, s)),
        ),
    };
  }

  schema(catalog: string, schema: string): Node {
    const connectionId = this.connectionId;
    return {
      key: `${catalog}.${schema}`,
      label: schema,
      insert: this.quote(catalog, schema),
      ...(this.isCurrent(catalog, schema) ? { open: true, detail: "current" } : {}),
      load: async () =>
        mapResult(await listTablesAction({ connectionId, catalog, schema }), (tables) =>
          tables.map((t) => this.table(catalog, schema, t.name, t.kind)),
        ),
    };
  }

  table(catalog: string, schema: string, table: string, kind: string): Node {
    const connectionId = this.connectionId;
    return {
      key: `${catalog}.${schema}.${table}`,
      label: table,
      detail: kind === "view" ? "view" : undefined,
      insert: this.quote(catalog, schema, table),
      load: async () =>
        mapResult(await listColumnsAction({ connectionId, catalog, schema, table }), (columns) =>
          columns.map((c) => ({
            key: `${catalog}.${schema}.${table}.${c.name}`,
            label: c.name,
            detail: c.type,
            insert: this.quote(c.name),
          })),
        ),
    };
  }
}

function mapResult<A, B>(result: ActionResult<A>, map: (a: A) => B): ActionResult<B> {
  return result.ok ? { ok: true, data: map(result.data) } : result;
}
