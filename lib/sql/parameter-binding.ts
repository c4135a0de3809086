import {
  type BoundValue,
  choiceValueType,
  findParameterMarkers,
  isPlainName,
  markerText,
  type ParameterSpec,
} from "./parameters";
import type { SqlDialect } from "./split";

/** A statement ready for the engine: its text with markers the engine reads, and their values. */
export interface BoundStatement {
  text: string;
  values: BoundValue[];
  /** Each rewritten marker: where it is in `text` and where it was in the statement, with both lengths. */
  edits: { at: number; length: number; sourceAt: number; sourceLength: number }[];
}

/**
 * The offset in the statement as written of an offset in the bound text (an
 * engine's error position): inside a rewritten marker, the marker's start.
 */
export function sourceOffset(bound: BoundStatement, offset: number): number {
  let shift = 0;
  for (const edit of bound.edits) {
    if (offset < edit.at) break;
    if (offset < edit.at + edit.length) return edit.sourceAt;
    shift = edit.sourceAt + edit.sourceLength - (edit.at + edit.length);
  }
  return offset + shift;
}

/**
 * Rewrites the markers of one statement for the engine — `:name` for
 * Databricks (back-quoted as written when the name is not a word), `$name`
 * for DuckDB, names in lower case — and lists each marker's value. DuckDB's
 * `$name` takes a word only: a back-quoted name binds there under a generated
 * one (`$p_1`). A multi-select's marker becomes one marker per chosen value
 * (`:ids` → `:ids__1, :ids__2`), each bound on its own: values never enter the
 * text. Every name in the statement must have a valid spec (the caller checks).
 */
export function bindStatement(
  text: string,
  dialect: SqlDialect,
  specs: ReadonlyMap<string, ParameterSpec>,
): BoundStatement {
  const markers = findParameterMarkers(text, dialect);
  if (markers.length === 0) return { text, values: [], edits: [] };
  // Every name the engine will see, so that no generated one repeats another.
  const taken = new Set(markers.map((m) => m.name));
  const freshStem = (stem: string) => {
    let out = stem;
    while ([...taken].some((t) => t.startsWith(out))) out += "_";
    return out;
  };
  const engineNames = engineNamesFor(taken, dialect, freshStem);
  for (const name of engineNames.values()) taken.add(name);
  const values = new Map<string, BoundValue>();
  const expanded = new Map<string, string[]>();
  const edits: BoundStatement["edits"] = [];
  let out = "";
  let cursor = 0;
  for (const marker of markers) {
    const spec = specs.get(marker.name);
    if (!spec) throw new Error(`No value for ${markerText(marker.name)}`);
    const engineName = engineNames.get(marker.name) ?? marker.name;
    let names: string[];
    if (spec.type === "multi") {
      names = expanded.get(marker.name) ?? [];
      if (names.length === 0) {
        const items = spec.value as string[];
        const type = choiceValueType(spec);
        const base = freshStem(`${engineName}__`);
        items.forEach((item, i) => {
          const name = `${base}${i + 1}`;
          names.push(name);
          taken.add(name);
          values.set(name, { name, type, value: item.trim() === item || type === "text" ? item : item.trim() });
        });
        expanded.set(marker.name, names);
      }
    } else {
      names = [engineName];
      const type = spec.type === "choice" || spec.type === "query" ? choiceValueType(spec) : spec.type;
      const value = spec.value as string;
      values.set(engineName, { name: engineName, type, value: type === "text" ? value : value.trim() });
    }
    out += text.slice(cursor, marker.start);
    const replacement = names.map((n) => (dialect === "duckdb" ? `$${n}` : markerText(n))).join(", ");
    edits.push({
      at: out.length,
      length: replacement.length,
      sourceAt: marker.start,
      sourceLength: marker.end - marker.start,
    });
    out += replacement;
    cursor = marker.end;
  }
  return { text: out + text.slice(cursor), values: [...values.values()], edits };
}

/** The name each parameter takes in the engine's text: its own, or in DuckDB a generated word for a back-quoted one. */
function engineNamesFor(
  names: ReadonlySet<string>,
  dialect: SqlDialect,
  freshStem: (stem: string) => string,
): Map<string, string> {
  const out = new Map<string, string>();
  const quoted = [...names].filter((name) => dialect === "duckdb" && !isPlainName(name));
  if (quoted.length === 0) return out;
  const stem = freshStem("p_");
  for (const name of quoted) out.set(name, `${stem}${out.size + 1}`);
  return out;
}
