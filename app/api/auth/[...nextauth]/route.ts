import NextAuth from "next-auth";
import { authOptions } from "@/lib/server/auth/options";
import { secureCookies } from "@/lib/server/auth/secure-cookies";

type Context = { params: Promise<{ nextauth: string[] }> };

// next-auth 4 reads the catch-all segments from a plain params object.
async function handler(request: Request, context: Context) {
  const options = authOptions(secureCookies(request.headers));
  return NextAuth(request as never, { params: await context.params } as never, options);
}

export { handler as GET, handler as POST };
