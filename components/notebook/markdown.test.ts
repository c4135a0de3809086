import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { isEmbeddedImage } from "@/lib/notebooks/markdown-urls";
import { MIB } from "@/tests/support/hostile-sql";
import { MarkdownContent } from "./MarkdownContent";
import { MarkdownView } from "./MarkdownView";

const render = (source: string) => renderToStaticMarkup(createElement(MarkdownContent, { source }));
const PIXEL =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

describe("Markdown cells load nothing", () => {
  it("shows an image only from a data: URL", () => {
    expect(render(`![dot](${PIXEL})`)).toContain(`<img src="${PIXEL}" alt="dot"/>`);
    expect(render(`![dot](${PIXEL.replace("data:", "DATA:")})`)).toContain("<img ");
  });

  it("puts a placeholder in place of any other image: relative, absolute, protocol-relative, script", () => {
    for (const url of [
      "/api/runs/0123456789abcdef0123456789abcdef/csv?all=1",
      "api/runs/x/csv?all=1",
      "../x.png",
      "https://example.com/a.png",
      "//example.com/a.png",
      "http://127.0.0.1:3000/api/health",
      "javascript:alert(1)",
      "data:text/html,%3Cscript%3Ealert(1)%3C/script%3E",
      "data:,image/png",
      "blob:https://example.com/1",
      "file:///etc/passwd",
    ]) {
      const html = render(`before ![pic](<${url}>) after`);
      expect(html, url).not.toContain("<img");
      expect(html, url).toContain("[image not shown: pic]");
      expect(html, url).not.toContain(url.slice(0, 12));
    }
  });

  it("also for reference-style images and raw HTML", () => {
    const reference = render("![x][r]\n\n[r]: /api/runs/0123456789abcdef0123456789abcdef/csv?all=1");
    expect(reference).not.toContain("<img");
    expect(reference).toContain("[image not shown: x]");
    const raw = render('<img src="/api/runs/x/csv?all=1"> <a href="javascript:alert(1)">x</a>');
    expect(raw).not.toContain("<img");
    expect(raw).not.toContain('href="javascript');
  });

  it("keeps links as links that open in a new tab, never to javascript:", () => {
    expect(render("[docs](https://example.com/docs)")).toContain(
      '<a href="https://example.com/docs" target="_blank" rel="noopener noreferrer nofollow">docs</a>',
    );
    expect(render("[run](/api/runs/x/csv?all=1)")).toContain('href="/api/runs/x/csv?all=1"');
    for (const url of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "vbscript:x", "data:text/html,x"]) {
      const html = render(`[click](${url})`);
      expect(html, url).toContain(">click</a>");
      expect(html, url).not.toMatch(/href="[a-z]+script|href="data/i);
    }
  });

  it("recognises data: image URLs and nothing else", () => {
    expect(isEmbeddedImage(PIXEL)).toBe(true);
    expect(isEmbeddedImage("data:image/svg+xml,<svg/>")).toBe(true);
    expect(isEmbeddedImage(" data:image/png;base64,AA")).toBe(false);
    expect(isEmbeddedImage("data:image/png")).toBe(false);
    expect(isEmbeddedImage("https://x/data:image/png;")).toBe(false);
  });
});

describe("Markdown on the server", () => {
  // The parser is quadratic on runs like `*a*a…` (64 KiB took minutes): the server never runs it.
  it("renders a placeholder and leaves formatting to the browser", { timeout: 10_000 }, () => {
    const html = renderToStaticMarkup(createElement(MarkdownView, { source: "*a".repeat(MIB / 2) }));
    expect(html).toContain("Formatting…");
    expect(html).not.toContain("<em>");
  });
});
