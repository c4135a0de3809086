"use client";

import Markdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { isEmbeddedImage, markdownUrl } from "@/lib/notebooks/markdown-urls";

/**
 * A Markdown cell's text as HTML: react-markdown builds React elements (raw
 * HTML in the text stays text); URLs follow `markdownUrl`.
 */
export function MarkdownContent({ source }: { source: string }) {
  return (
    <div className="markdown">
      <Markdown
        remarkPlugins={[remarkGfm]}
        urlTransform={markdownUrl}
        components={{
          a: ({ node: _node, href, children, ...props }) => (
            <a {...props} href={href} target="_blank" rel="noopener noreferrer nofollow">
              {children}
            </a>
          ),
          img: ({ node: _node, src, alt }) =>
            typeof src === "string" && isEmbeddedImage(src) ? (
              // biome-ignore lint/performance/noImgElement: user content of unknown size; next/image needs dimensions
              <img src={src} alt={alt ?? ""} />
            ) : (
              <span
                className="markdown-image-blocked"
                title="Only images embedded in the notebook (data: URLs) are shown: others would be fetched by every viewer's browser."
              >
                [image not shown{alt ? `: ${alt}` : ""}]
              </span>
            ),
        }}
      >
        {source}
      </Markdown>
    </div>
  );
}
