"use client";

import Markdown, { defaultUrlTransform } from "react-markdown";
import remarkGfm from "remark-gfm";

/**
 * A Markdown cell, rendered safely: react-markdown builds React elements (raw
 * HTML in the text stays text), and links or images with a scheme other than
 * http(s), mailto or a relative path lose their URL (no `javascript:`).
 */
export function MarkdownView({ source }: { source: string }) {
  if (source.trim() === "") return <p className="muted">Empty Markdown cell. Double-click to write.</p>;
  return (
    <div className="markdown">
      <Markdown
        remarkPlugins={[remarkGfm]}
        urlTransform={defaultUrlTransform}
        components={{
          a: ({ node: _node, href, children, ...props }) => (
            <a {...props} href={href} target="_blank" rel="noopener noreferrer nofollow">
              {children}
            </a>
          ),
          // Images from other hosts would be fetched by every viewer's browser (tracking); link them instead.
          img: ({ node: _node, src, alt }) =>
            typeof src === "string" && src.startsWith("/") && !src.startsWith("//") ? (
              // biome-ignore lint/performance/noImgElement: user content of unknown size; next/image needs dimensions
              <img src={src} alt={alt ?? ""} />
            ) : (
              <a href={typeof src === "string" ? src : undefined} target="_blank" rel="noopener noreferrer nofollow">
                [image{alt ? `: ${alt}` : ""}]
              </a>
            ),
        }}
      >
        {source}
      </Markdown>
    </div>
  );
}
