"use client";

import dynamic from "next/dynamic";

/**
 * Markdown is formatted in the viewer's browser only, never while the server
 * renders the page: its parser takes time that grows faster than the text on
 * some inputs (runs of `*a`, `~a`), and a cell can hold megabytes.
 */
const MarkdownContent = dynamic(() => import("./MarkdownContent").then((m) => m.MarkdownContent), {
  ssr: false,
  loading: () => <p className="muted">Formatting…</p>,
});

/** A Markdown cell, rendered safely (see `markdownUrl` for what it may load). */
export function MarkdownView({ source }: { source: string }) {
  if (source.trim() === "") return <p className="muted">Empty Markdown cell. Double-click to write.</p>;
  return <MarkdownContent source={source} />;
}
