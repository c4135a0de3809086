import { csvFileName } from "@/lib/csv";
import { isSameOrigin } from "@/lib/server/actions/same-origin";
import { auditBrowserDownload, auditRefusedDownload } from "@/lib/server/audit";
import { requireUser } from "@/lib/server/auth/session";
import { engineFor } from "@/lib/server/connections/engines";
import type { User } from "@/lib/server/db/schema";
import { allRowsCsv, csvDownload } from "@/lib/server/runs/runs";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

const FULL_DOWNLOAD_NEEDS_POST =
  "Downloading every row runs the query again, so it starts only from the “Download every row as CSV” button under the results, not from a link, an image or a typed address.";
const CROSS_SITE =
  "Downloading every row runs the query again, so it starts only from Lakebook's own pages. Use the button under the results.";

/**
 * GET streams a run's whole stored result as CSV, in constant server memory.
 * POST streams every row of a result cut at the cap by running its query
 * again: only a form on this server's pages starts that, never an <img>, a
 * prefetch or another site (GET with `?all=1` is refused with a message).
 */
export async function GET(request: Request, context: Context) {
  if (new URL(request.url).searchParams.get("all") === "1") {
    return new Response(FULL_DOWNLOAD_NEEDS_POST, {
      status: 405,
      headers: { Allow: "POST", "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  return download(request, context, false);
}

export async function POST(request: Request, context: Context) {
  if (!isSameOrigin(request)) {
    return new Response(CROSS_SITE, { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  return download(request, context, true);
}

async function download(request: Request, context: Context, all: boolean): Promise<Response> {
  const { id } = await context.params;
  const action = `download csv${all ? " (every row)" : ""}`;
  let user: User | null = null;
  try {
    const me = await requireUser();
    user = me;
    const { record, body } = all
      ? await allRowsCsv(me, id, (connectionId) => engineFor(me, connectionId), request.signal)
      : await csvDownload(me, id);
    const name = csvFileName(record.sql, record.startedAt);
    const audited = auditBrowserDownload(
      user,
      request,
      { action, object: { type: "run", id }, rows: all ? null : record.rowCount },
      body,
    );
    return new Response(audited, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${name}"`,
        // no-transform: compressing a multi-gigabyte download costs a core and is
        // slower than sending it on any fast link (measured 3.7x slower here).
        "Cache-Control": "no-store, no-transform",
        "X-Content-Type-Options": "nosniff",
      },
    });
  } catch (error) {
    return auditRefusedDownload(user, request, { action, object: { type: "run", id } }, error);
  }
}
