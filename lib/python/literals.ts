/**
 * String literals for generated code. Whatever the text — quotes, backslashes,
 * `${`, newlines, NUL, lone surrogates, bidi controls — the literal reads back
 * as exactly that text and nothing in it can end the literal early.
 *
 * Control, format, private-use, unassigned and line/paragraph-separator
 * characters are always escaped: a raw NUL or lone surrogate makes a source
 * file unreadable, a raw carriage return is turned into a newline inside
 * Python's and JavaScript's multi-line literals, and bidi controls make code
 * read differently from how it runs ("Trojan Source").
 */

/** Characters written as escapes in every literal (a lone surrogate matches `\p{Cs}` in a `u` regex). */
const INVISIBLE = /[\p{C}\p{Zl}\p{Zp}]/u;

function hex(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, "0");
}

function pyEscape(cp: number): string {
  if (cp === 10) return "\\n";
  if (cp === 13) return "\\r";
  if (cp === 9) return "\\t";
  if (cp <= 0xff) return `\\x${hex(cp, 2)}`;
  if (cp <= 0xffff) return `\\u${hex(cp, 4)}`;
  return `\\U${hex(cp, 8)}`;
}

function jsEscape(cp: number): string {
  if (cp === 10) return "\\n";
  if (cp === 13) return "\\r";
  if (cp === 9) return "\\t";
  return `\\u{${hex(cp, 1)}}`;
}

/** A Python `"…"` literal on one line. */
export function pyString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (ch === "\\" || ch === '"') out += `\\${ch}`;
    else if (INVISIBLE.test(ch)) out += pyEscape(cp);
    else out += ch;
  }
  return `${out}"`;
}

/**
 * A Python `"""…"""` literal that keeps newlines and tabs as they are, so SQL
 * reads as written. A `"` is escaped when another follows it or it is the
 * last character: no run of three can close the literal, nor one touch the end.
 */
export function pyBlock(text: string): string {
  const chars = Array.from(text);
  let out = '"""';
  chars.forEach((ch, i) => {
    const cp = ch.codePointAt(0) as number;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += i === chars.length - 1 || chars[i + 1] === '"' ? '\\"' : '"';
    else if (ch === "\n" || ch === "\t") out += ch;
    else if (INVISIBLE.test(ch)) out += pyEscape(cp);
    else out += ch;
  });
  return `${out}"""`;
}

/** A JavaScript `"…"` literal. */
export function jsString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (ch === "\\" || ch === '"') out += `\\${ch}`;
    else if (INVISIBLE.test(ch)) out += jsEscape(cp);
    else out += ch;
  }
  return `${out}"`;
}

/** A JavaScript template literal with no substitutions: `` ` ``, `\` and `${` are escaped; newlines and tabs kept. */
export function jsBlock(text: string): string {
  let out = "`";
  let previous = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (ch === "\\" || ch === "`") out += `\\${ch}`;
    else if (ch === "{" && previous === "$") out += "\\{";
    else if (ch === "\n" || ch === "\t") out += ch;
    else if (INVISIBLE.test(ch)) out += jsEscape(cp);
    else out += ch;
    previous = ch;
  }
  return `${out}\``;
}

/**
 * Text for a one-line comment, clipped: quotes and backslashes are harmless
 * there, but every line break (and every other invisible character) is
 * written as an escape, so nothing can end the comment.
 */
export function commentText(text: string, max = 80): string {
  const chars = Array.from(text);
  const clipped = chars.length > max ? [...chars.slice(0, max), "…"] : chars;
  return clipped.map((ch) => (INVISIBLE.test(ch) ? pyEscape(ch.codePointAt(0) as number) : ch)).join("");
}

/** The text with each lone surrogate replaced by U+FFFD, as a browser sends it in a URL (it has no UTF-8 form). */
export function wellFormed(text: string): string {
  return text.replace(/\p{Cs}/gu, "\uFFFD");
}

/** `encodeURIComponent` that never throws on a lone surrogate. */
export function uriComponent(text: string): string {
  return encodeURIComponent(wellFormed(text));
}
