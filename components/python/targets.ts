import type { ConnectionView } from "@/lib/connections";
import type { NotebookCell } from "@/lib/notebooks/types";
import type { SnippetConnection } from "@/lib/python/snippets";
import type { ParameterSpec } from "@/lib/sql/parameters";
import type { EditorTabView } from "@/lib/tabs";
import type { UsePythonProps } from "./UsePythonDialog";

/** The connection by id; one the member cannot use is not listed, and the API still runs what they may run on it. */
function connectionOf(connections: readonly ConnectionView[], id: string): SnippetConnection {
  return (
    connections.find((c) => c.id === id) ?? {
      id,
      name: "its connection",
      kind: "builtin",
      host: "",
      port: 0,
      httpPath: "",
      authType: null,
      defaultCatalog: null,
      defaultSchema: null,
    }
  );
}

/**
 * "Use from Python" for the saved query an editor tab edits: the API runs the
 * saved SQL on the saved connection, so the snippets do too; each parameter
 * takes the value in the tab's bar, else the saved default.
 */
export function savedQueryPython(
  query: EditorTabView["query"],
  connections: readonly ConnectionView[],
  barValues: readonly ParameterSpec[],
): UsePythonProps | undefined {
  if (!query) return undefined;
  return {
    subject: { kind: "query", id: query.id, title: query.savedTitle, sql: query.savedSql },
    connection: connectionOf(connections, query.savedConnectionId),
    // Later specs of a name win (specsFor): the bar's values over the saved defaults.
    parameters: [...query.savedParameters, ...barValues],
  };
}

/** "Use from Python" for a notebook's SQL cell: its SQL as it is now, on its connection, with the notebook bar's values. */
export function cellPython(
  cell: NotebookCell,
  index: number,
  notebook: { title: string; connectionId: string },
  connections: readonly ConnectionView[],
  barValues: readonly ParameterSpec[],
): UsePythonProps {
  return {
    subject: { kind: "cell", title: `Cell ${index + 1} of "${notebook.title}"`, sql: cell.source },
    connection: connectionOf(connections, cell.connectionId ?? notebook.connectionId),
    parameters: barValues,
  };
}
