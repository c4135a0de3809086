import { defaultUrlTransform } from "react-markdown";

/**
 * What a Markdown cell may make a viewer's browser fetch: nothing. An image
 * loads only from a `data:` image URL, whose bytes are in the notebook; any
 * other source (relative, absolute, protocol-relative) would be requested with
 * the viewer's cookies, from a route of this server as much as from a tracker.
 * Links stay links, but only to safe schemes (react-markdown's default: no
 * `javascript:`), and a click on one is the viewer's own choice.
 */
export function markdownUrl(url: string, key: string, node: { tagName: string }): string {
  if (node.tagName === "img" && key === "src") return isEmbeddedImage(url) ? url : "";
  return defaultUrlTransform(url);
}

/** A `data:` URL of an image; the scheme is case-insensitive, and nothing may precede it. */
export function isEmbeddedImage(url: string): boolean {
  return /^data:image\/[a-z0-9.+-]+[;,]/i.test(url);
}
