"use client";

import { diffLines } from "diff";
import { useMemo } from "react";

/**
 * What changed between two versions of SQL, line by line (jsdiff): removed
 * lines of `original` and added lines of `modified`, with unchanged context.
 */
export function SqlDiff({ original, modified }: { original: string; modified: string }) {
  const lines = useMemo(
    () =>
      diffLines(original, modified).flatMap((part) =>
        part.value
          .replace(/\n$/, "")
          .split("\n")
          .map((text) => ({ kind: part.added ? "added" : part.removed ? "removed" : "same", text })),
      ),
    [original, modified],
  );
  return (
    <pre className="sql-diff">
      {lines.map((line, i) => (
        <div key={i} className={`diff-${line.kind}`}>
          <span className="diff-mark" aria-hidden>
            {line.kind === "added" ? "+" : line.kind === "removed" ? "−" : " "}
          </span>
          {line.kind !== "same" && <span className="sr-only">{line.kind === "added" ? "yours: " : "theirs: "}</span>}
          {line.text}
        </div>
      ))}
    </pre>
  );
}
