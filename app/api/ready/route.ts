import { readiness } from "@/lib/server/readiness";

/**
 * Readiness: 200 when the warehouse, the result store and the metadata store
 * answer, else 503 naming the part that does not. No sign-in; nothing else is told.
 */
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const state = await readiness();
  return Response.json(state, {
    status: state.status === "ready" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
