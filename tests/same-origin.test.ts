import { describe, expect, it } from "vitest";
import { GET, POST } from "@/app/api/runs/[id]/csv/route";
import { isSameOrigin } from "@/lib/server/actions/same-origin";

const url = "http://lakebook.test/api/runs/0123456789abcdef0123456789abcdef/csv?all=1";
const context = { params: Promise.resolve({ id: "0123456789abcdef0123456789abcdef" }) };
const request = (method: string, headers: Record<string, string>) =>
  new Request(url, { method, headers: { host: "lakebook.test", ...headers } });

describe("isSameOrigin", () => {
  it("trusts the browser's Sec-Fetch-Site first", () => {
    expect(isSameOrigin(request("POST", { "sec-fetch-site": "same-origin" }))).toBe(true);
    for (const site of ["cross-site", "same-site", "none"]) {
      expect(isSameOrigin(request("POST", { "sec-fetch-site": site, origin: "http://lakebook.test" })), site).toBe(
        false,
      );
    }
  });

  it("else compares Origin with the host", () => {
    expect(isSameOrigin(request("POST", { origin: "http://lakebook.test" }))).toBe(true);
    expect(isSameOrigin(request("POST", { origin: "https://evil.test" }))).toBe(false);
    expect(isSameOrigin(request("POST", { origin: "http://lakebook.test.evil.test" }))).toBe(false);
    expect(isSameOrigin(request("POST", { origin: "null" }))).toBe(false);
    expect(
      isSameOrigin(request("POST", { origin: "https://public.example", "x-forwarded-host": "public.example" })),
    ).toBe(true);
  });

  it("lets a client that is not a browser through (it sends neither)", () => {
    expect(isSameOrigin(request("POST", {}))).toBe(true);
  });
});

describe("the full-download route", () => {
  it("refuses GET with all=1, whatever asks, before running anything", async () => {
    const response = await GET(request("GET", { "sec-fetch-site": "same-origin", "sec-fetch-dest": "image" }), context);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(await response.text()).toMatch(/runs the query again.*button/);
  });

  it("refuses a POST from another site", async () => {
    const response = await POST(
      request("POST", { "sec-fetch-site": "cross-site", origin: "https://evil.test" }),
      context,
    );
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/only from Lakebook's own pages/);
  });
});
