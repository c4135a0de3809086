import { spawnSync } from "node:child_process";

/**
 * Checks of exported notebooks with Debian's Python (`/usr/bin/python3` with
 * python3-nbformat, which .ci/run installs; the `python3` first on PATH may
 * be another Python without it).
 */
const PYTHON = "/usr/bin/python3";

function python(script: string, input: string): string {
  const done = spawnSync(PYTHON, ["-c", script], { input, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (done.error) throw done.error;
  if (done.status !== 0) throw new Error(`python3 failed (${done.status}): ${done.stderr.slice(-2000)}`);
  return done.stdout;
}

/** Validates a notebook against nbformat's own JSON schema (4.5); throws with nbformat's message if it does not. */
export function validateNotebook(text: string): void {
  python("import nbformat,sys; nbformat.validate(nbformat.reads(sys.stdin.read(), as_version=4))", text);
}

/** Parses Python with the real parser, once IPython's `%` magic lines are taken out; throws a SyntaxError's text. */
export function parsePython(source: string): void {
  python(
    "import ast,sys; ast.parse('\\n'.join('' if l.lstrip().startswith('%') else l for l in sys.stdin.read().split('\\n')))",
    source,
  );
}

export interface ParsedTable {
  header: string[];
  rows: string[][];
  tags: string[];
  summary: string;
}

/**
 * Each code cell's HTML table as a browser's parser reads it (Python's
 * html.parser, entities decoded): header texts, row texts, every tag seen,
 * and the text after the table. Cells without an HTML output give null.
 */
export function htmlTables(notebook: string): (ParsedTable | null)[] {
  const script = `
import json, sys
from html.parser import HTMLParser

class Table(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.header, self.rows, self.tags, self.summary = [], [], set(), ""
        self.cell = None
        self.where = None
        self.seen_header = False
    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = ""
        elif tag == "p":
            self.where = "p"
    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr":
            if self.seen_header:
                self.rows.append(self.row)
            else:
                self.header, self.seen_header = self.row, True
        elif tag == "p":
            self.where = None
    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data
        elif self.where == "p":
            self.summary += data

out = []
for cell in json.load(sys.stdin)["cells"]:
    html = None
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "text/html" in data:
            html = data["text/html"]
            html = "".join(html) if isinstance(html, list) else html
    if html is None:
        out.append(None)
        continue
    table = Table()
    table.feed(html)
    table.close()
    out.append({"header": table.header, "rows": table.rows, "tags": sorted(table.tags), "summary": table.summary})
print(json.dumps(out))
`;
  return JSON.parse(python(script, notebook));
}
