import { type NextRequest, NextResponse } from "next/server";
import { CLIENT_COOKIE } from "@/lib/client-cookie";

/** Gives every browser a random client id, which owns the runs it starts. */
export function proxy(request: NextRequest) {
  if (request.cookies.get(CLIENT_COOKIE)) return NextResponse.next();
  const id = crypto.randomUUID();
  // Make the id visible to this very request's server code as well.
  request.cookies.set(CLIENT_COOKIE, id);
  const response = NextResponse.next({ request });
  response.cookies.set(CLIENT_COOKIE, id, {
    httpOnly: true,
    sameSite: "lax",
    secure: request.nextUrl.protocol === "https:",
    path: "/",
    maxAge: 60 * 60 * 24 * 365,
  });
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
