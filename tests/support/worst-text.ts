/**
 * Text made of the characters that break generated code: quotes of every
 * kind, backslashes and escape look-alikes, `${`, line breaks of every kind,
 * NUL, lone surrogates, bidi controls, a BOM, comment and format markers.
 */
export const WORST_PIECES = [
  '"""',
  "'''",
  '"',
  "'",
  "`",
  "\\",
  "\\\\",
  "${",
  "$",
  "{",
  "}",
  "\n",
  "\r",
  "\r\n",
  "\t",
  "\u2028",
  "\u2029",
  "\u0085",
  "\0",
  "\x7f",
  "\f",
  "\v",
  "\ud800",
  "\udfff",
  "\udc00\ud800",
  "😀",
  "\u202e",
  "\u2066",
  "\ufeff",
  "*/",
  "/*",
  "#",
  "//",
  "%s",
  "%(x)s",
  ":name",
  "\\N{BULLET}",
  "\\x",
  "\\u",
  "\\U0001",
  "é",
  "日本",
  " ",
];

/** `length` UTF-16 code units of worst pieces in a seeded order, ending with `"` then `\` (the hardest ends for a literal). */
export function worstText(length: number, seed = 1): string {
  let state = seed;
  const out: string[] = [];
  let n = 2;
  while (n < length) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    const piece = WORST_PIECES[state % WORST_PIECES.length];
    out.push(piece);
    n += piece.length;
  }
  return `${out.join("").slice(0, Math.max(0, length - 2))}"\\`;
}
