import { describe, expect, it } from "vitest";
import { safeCallbackPath, signInPath } from "./callback-path";

const OURS = "http://127.0.0.1:3000";

/** Every spelling of another origin that browsers, proxies or a second decoding could follow. */
const ELSEWHERE = [
  "//evil.example",
  "///evil.example",
  "/.//evil.example",
  "/./\\evil.example",
  "/..//evil.example",
  "/../..//evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "/\\/evil.example",
  "/%2F%2Fevil.example",
  "/%2f%2fevil.example",
  "/%252F%252Fevil.example",
  "/%5Cevil.example",
  "/%5C%5Cevil.example",
  "/%09/evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  " //evil.example",
  "https://evil.example",
  "http://evil.example/path",
  "HTTPS://EVIL.EXAMPLE",
  "https:evil.example",
  "//evil.example@127.0.0.1:3000/",
  "http://127.0.0.1:3000@evil.example/",
  "http://user:pw@127.0.0.1:3000/",
  "http://127.0.0.1:3001/",
  "https://127.0.0.1:3000/",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "mailto:someone@evil.example",
  "%2F%2Fevil.example",
  "",
  "/".repeat(50),
];

describe("safeCallbackPath", () => {
  it.each(ELSEWHERE)("sends %j to /", (value) => {
    expect(safeCallbackPath(value, OURS)).toBe("/");
    expect(safeCallbackPath(value)).toBe("/");
  });

  it("keeps paths of this server, with their query and fragment", () => {
    expect(safeCallbackPath("/", OURS)).toBe("/");
    expect(safeCallbackPath("/queries", OURS)).toBe("/queries");
    expect(safeCallbackPath("/notebooks/abc?x=1#cell-2", OURS)).toBe("/notebooks/abc?x=1#cell-2");
    expect(safeCallbackPath("/history?q=%2F%2Fx", OURS)).toBe("/history?q=%2F%2Fx");
    expect(safeCallbackPath("/a/../queries", OURS)).toBe("/queries");
    expect(safeCallbackPath("queries", OURS)).toBe("/queries");
    // Same scheme as ours: a browser reads it as a path of this server too.
    expect(safeCallbackPath("http:/evil.example", OURS)).toBe("/evil.example");
  });

  it("maps an absolute URL of our own origin to its path", () => {
    expect(safeCallbackPath("http://127.0.0.1:3000/queries?x=1", OURS)).toBe("/queries?x=1");
    expect(safeCallbackPath("HTTP://127.0.0.1:3000/history", `${OURS}/some/base`)).toBe("/history");
  });

  it("refuses values that are not strings or are huge", () => {
    expect(safeCallbackPath(undefined, OURS)).toBe("/");
    expect(safeCallbackPath(["/queries"], OURS)).toBe("/");
    expect(safeCallbackPath(`/${"a".repeat(1024 * 1024)}`, OURS)).toBe("/");
  });

  it("treats an unknown or broken origin as a stranger's", () => {
    expect(safeCallbackPath("/queries", "not a url")).toBe("/queries");
    expect(safeCallbackPath("http://lakebook.invalid/x", OURS)).toBe("/");
  });
});

describe("signInPath", () => {
  it("returns to the page asked for, query string and all, encoded", () => {
    expect(signInPath("/history?status=failed&q=a b")).toBe(
      "/signin?callbackUrl=%2Fhistory%3Fstatus%3Dfailed%26q%3Da%20b",
    );
  });
  it("needs no return for the start page, nothing that is not a path, and nothing overlong", () => {
    for (const page of [null, "", "/", "https://evil.example/", "evil", `/${"x".repeat(4096)}`])
      expect(signInPath(page)).toBe("/signin");
  });
  it("leaves a path that names another origin to the sign-in page's own check", () => {
    expect(safeCallbackPath(new URLSearchParams(signInPath("//evil.example").slice(8)).get("callbackUrl"))).toBe("/");
  });
});
