import { parameterSpecs } from "@/lib/schemas/parameters";
import { isParameterName, PARAMETER_TYPES, type ParameterSpec, type ParameterType } from "@/lib/sql/parameters";
import { quoteIdentifier, sparkString } from "@/lib/sql/quote";
import { identifierText, tokens } from "@/lib/sql/tokens";

/**
 * The first command of a Databricks `.sql` export: one `CREATE WIDGET` per
 * notebook parameter, so that the cells' `:name` markers find a value when the
 * notebook runs in Databricks. Widgets there hold strings: text, number, date
 * and timestamp parameters become TEXT widgets whose default is the value;
 * a dropdown a DROPDOWN and a multi-select a MULTISELECT, their choices a
 * `SELECT` of literal rows. A dropdown filled from a saved query offers the
 * values Lakebook last read from that query's first column (the query's SQL
 * may name tables or use parameters the notebook does not have, so it is not
 * copied); with none read yet it is a TEXT widget.
 * Every value is a one-line Spark string literal (lib/sql/quote.ts
 * `sparkString`): nothing in a value can end the literal or start a line, so
 * it cannot make a separator line, a comment or a new command. Comments here
 * hold no text from the notebook.
 */
export const WIDGETS_MARKER = "-- Lakebook: the notebook's parameters, as Databricks widgets.";

export function widgetCommand(parameters: readonly ParameterSpec[]): string | null {
  const specs = parameters.filter((p) => isParameterName(p.name));
  if (specs.length === 0) return null;
  const lines = [WIDGETS_MARKER, "-- Each cell's :name takes the value of the widget of that name."];
  for (const spec of specs) lines.push(`${TYPE_NOTE}${spec.type}`, ...widget(spec));
  return lines.join("\n");
}

/** Before each widget, Lakebook's type of the parameter, so that an import gets it back. */
const TYPE_NOTE = "-- Lakebook type: ";

function widget(spec: ParameterSpec): string[] {
  const name = quoteIdentifier(spec.name, "databricks");
  const choices = spec.choices ?? [];
  const values = Array.isArray(spec.value) ? spec.value : [spec.value];
  const listed = values.filter((v) => choices.includes(v));
  const pick = listed[0] ?? choices[0] ?? "";
  const rows = `CHOICES SELECT * FROM (VALUES ${choices.map((c) => `(${sparkString(c)})`).join(", ")})`;
  switch (spec.type) {
    case "multi":
      if (choices.length === 0) break;
      return [
        "-- A multi-select: Databricks gives its chosen values as one comma-separated string, not an IN list.",
        `CREATE WIDGET MULTISELECT ${name} DEFAULT ${sparkString(pick)} ${rows};`,
      ];
    case "query":
      if (choices.length === 0) {
        return [
          "-- A dropdown filled from a saved Lakebook query that had no result yet: a text widget here.",
          `CREATE WIDGET TEXT ${name} DEFAULT ${sparkString(pick || values[0])};`,
        ];
      }
      return [
        "-- A dropdown filled from a saved Lakebook query: the values of its first column when exported.",
        `CREATE WIDGET DROPDOWN ${name} DEFAULT ${sparkString(pick)} ${rows};`,
      ];
    case "choice":
      if (choices.length === 0) break;
      return [`CREATE WIDGET DROPDOWN ${name} DEFAULT ${sparkString(pick)} ${rows};`];
  }
  return [`CREATE WIDGET TEXT ${name} DEFAULT ${sparkString(values.join(","))};`];
}

/**
 * The parameters of a widget command this export wrote (it starts with
 * WIDGETS_MARKER), read with the tokenizer; null when it is not one, or not
 * as written here (then it stays a SQL cell). A dropdown filled from a saved
 * query comes back as a dropdown of the values it had.
 */
export function readWidgetCommand(source: string): ParameterSpec[] | null {
  if (!source.startsWith(WIDGETS_MARKER)) return null;
  const specs: ParameterSpec[] = [];
  let type: ParameterType | null = null;
  let words: { kind: string; text: string }[] = [];
  for (const token of tokens(source, "databricks")) {
    const text = source.slice(token.start, token.end);
    if (token.open) return null;
    if (token.kind === "space") continue;
    if (token.kind === "comment") {
      const named = text.startsWith(TYPE_NOTE) ? text.slice(TYPE_NOTE.length).trim() : "";
      if ((PARAMETER_TYPES as readonly string[]).includes(named)) type = named as ParameterType;
      continue;
    }
    if (token.kind === "symbol" && text === ";") {
      const spec = widgetSpec(words, type);
      if (!spec) return null;
      specs.push(spec);
      words = [];
      type = null;
      continue;
    }
    const value =
      token.kind === "string" ? unescapeSpark(text) : token.kind === "quoted" ? identifierText(source, token) : text;
    words.push({ kind: token.kind, text: value });
  }
  if (words.length > 0) return null;
  const parsed = parameterSpecs.safeParse(specs);
  return parsed.success ? parsed.data : null;
}

/** `CREATE WIDGET kind name DEFAULT 'value' [CHOICES SELECT * FROM (VALUES ('a'), …)]`, as `widget` writes it. */
function widgetSpec(words: { kind: string; text: string }[], noted: ParameterType | null): ParameterSpec | null {
  const [create, widgetWord, kind, name, defaultWord, value] = words;
  const upper = (i: number) => (words[i]?.kind === "word" ? words[i].text.toUpperCase() : "");
  if (upper(0) !== "CREATE" || upper(1) !== "WIDGET" || upper(4) !== "DEFAULT" || value?.kind !== "string") return null;
  if (!create || !widgetWord || !defaultWord || (name.kind !== "word" && name.kind !== "quoted")) return null;
  const choices = words
    .slice(7)
    .filter((w) => w.kind === "string")
    .map((w) => w.text);
  const spec = { name: name.text.toLowerCase(), value: value.text };
  switch (kind.text.toUpperCase()) {
    case "TEXT": {
      const type = noted === "number" || noted === "date" || noted === "timestamp" ? noted : "text";
      return { ...spec, type };
    }
    case "DROPDOWN":
      return upper(6) === "CHOICES" ? { ...spec, type: "choice", choices } : null;
    case "MULTISELECT":
      return upper(6) === "CHOICES" ? { ...spec, type: "multi", value: [value.text], choices } : null;
  }
  return null;
}

/** A Spark string literal's value: backslash escapes undone (an unknown one is its character). */
function unescapeSpark(literal: string): string {
  const body = literal.slice(1, -1);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== "\\" || i + 1 >= body.length) {
      out += ch;
      continue;
    }
    const next = body[++i];
    if (next === "n") out += "\n";
    else if (next === "r") out += "\r";
    else if (next === "t") out += "\t";
    else if (next === "u" && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCharCode(Number.parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else out += next;
  }
  return out;
}
