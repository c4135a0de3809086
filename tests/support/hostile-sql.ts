export const MIB = 1 << 20;
export function fill(unit: string, prefix = "", suffix = ""): string {
  return prefix + unit.repeat(Math.ceil((MIB - prefix.length - suffix.length) / unit.length)) + suffix;
}

/** A seeded mix of SQL punctuation, letters and random UTF-16 code units, lone surrogates included. */
function garbage(seed: number): string {
  const pieces = [
    "/*",
    "*/",
    "--",
    "'",
    '"',
    "`",
    "$",
    "$a$",
    "\\",
    "\n",
    "\r",
    ";",
    "(",
    ")",
    "E'",
    "r'",
    " ",
    "1",
    ".",
  ];
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state;
  };
  const out: string[] = [];
  let length = 0;
  while (length < MIB) {
    const r = random();
    const piece = r % 3 === 0 ? String.fromCharCode(random() & 0xffff) : pieces[r % pieces.length];
    out.push(piece);
    length += piece.length;
  }
  return out.join("");
}

/** 1 MiB inputs that make a scanner which backtracks or rescans take minutes. */
export const HOSTILE_SQL: Record<string, string> = {
  "unclosed /*": fill("x", "/*"),
  "/* /* /* repeated": fill("/* "),
  "/*/ repeated": fill("/*/"),
  "unclosed '": fill("a", "'"),
  "' repeated": fill("'"),
  'unclosed "': fill("a", '"'),
  "unclosed `": fill("a", "`"),
  "unclosed $$": fill("a", "$$"),
  "unclosed $tag$ with near misses": fill("$ta", "$tag$"),
  "a long dollar tag with long near misses": fill(`$${"t".repeat(1023)}x`, `$${"t".repeat(1024)}$`),
  "$a repeated": fill("$a"),
  "unclosed E'": fill("\\'", "E'"),
  backslashes: fill("\\"),
  dashes: fill("-"),
  "line comments continued": fill("--\\\n"),
  "deeply nested comments": `${"/* ".repeat(MIB / 8)}x${" */".repeat(MIB / 8)}`,
  parentheses: `${"(".repeat(MIB / 2)}${")".repeat(MIB / 2)}`,
  semicolons: fill(";"),
  "one word": fill("a"),
  "one number": fill("1"),
  blanks: fill(" \u00a0\t"),
  "garbage 1": garbage(1),
  "garbage 2": garbage(2),
};
