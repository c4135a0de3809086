import { openApiDocument } from "@/lib/server/api/openapi";

export const dynamic = "force-dynamic";

/** The API's description; public, as it tells nothing about any workspace. */
export function GET(request: Request) {
  return Response.json(openApiDocument(new URL(request.url).origin), {
    headers: { "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff" },
  });
}
