/**
 * A statement as the warehouse rewrote it on the way to DuckDB (parameters
 * bound as literals, `main` renamed…), and the way back from an offset in the
 * rewritten text to the text the client sent: a real warehouse reports error
 * positions in what it was sent.
 */
export interface Rewritten {
  text: string;
  /** The offset in the input of `offset` in `text`; inside a replacement, where it started. */
  original(offset: number): number;
}

export function unchanged(text: string): Rewritten {
  return { text, original: (offset) => offset };
}

/** `second` applied to the text of `first`: offsets map back to `first`'s input. */
export function chained(first: Rewritten, second: Rewritten): Rewritten {
  return { text: second.text, original: (offset) => first.original(second.original(offset)) };
}

interface Edit {
  /** Where the replaced span starts in the input, and in the output. */
  from: number;
  to: number;
  removed: number;
  inserted: number;
}

/** Builds a Rewritten from left-to-right replacements of spans of `source`. */
export class Splicer {
  private out = "";
  private cursor = 0;
  private readonly edits: Edit[] = [];

  constructor(private readonly source: string) {}

  replace(start: number, end: number, text: string): void {
    this.out += this.source.slice(this.cursor, start);
    this.edits.push({ from: start, to: this.out.length, removed: end - start, inserted: text.length });
    this.out += text;
    this.cursor = end;
  }

  done(): Rewritten {
    const edits = this.edits;
    if (edits.length === 0) return unchanged(this.source);
    return {
      text: this.out + this.source.slice(this.cursor),
      original(offset) {
        let shift = 0;
        for (const edit of edits) {
          if (offset < edit.to) break;
          if (offset < edit.to + edit.inserted) return edit.from;
          shift = edit.to + edit.inserted - (edit.from + edit.removed);
        }
        return offset - shift;
      },
    };
  }
}
