import { type NextRequest, NextResponse } from "next/server";
import { PAGE_HEADER } from "@/lib/auth/callback-path";
import { contentSecurityPolicy, HSTS, originOf } from "@/lib/security-headers";

/**
 * Every page gets a Content-Security-Policy with a fresh nonce, which Next.js
 * reads from the request and puts on the scripts it renders (every page is
 * rendered per request already). API routes, static files and prefetches are
 * left out: they render no HTML, and a proxy would cap their request bodies.
 */
export function proxy(request: NextRequest) {
  const nonce = btoa(crypto.randomUUID());
  const https =
    request.nextUrl.protocol === "https:" || (process.env.NEXTAUTH_URL ?? "").toLowerCase().startsWith("https:");
  const policy = contentSecurityPolicy({
    nonce,
    development: process.env.NODE_ENV === "development",
    https,
    ssoOrigin: originOf(process.env.LAKEBOOK_OIDC_ISSUER),
  });
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  // The page asked for, so that a signed-out visit returns to it after sign-in (pageUser); set here, never the client's.
  headers.set(PAGE_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  headers.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  if (https) response.headers.set("Strict-Transport-Security", HSTS);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico|icon.svg).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
