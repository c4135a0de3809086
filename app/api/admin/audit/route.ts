import { csvLine } from "@/lib/csv";
import { auditQuery } from "@/lib/schemas/tokens";
import { routeError } from "@/lib/server/actions/route-error";
import { auditLog } from "@/lib/server/audit";
import { auditFilterOf } from "@/lib/server/audit-filter";
import { requireAdmin } from "@/lib/server/auth/session";

export const dynamic = "force-dynamic";

const PAGE = 1000;
const HEADER = [
  "at",
  "user_id",
  "user_email",
  "via",
  "token_id",
  "action",
  "object_type",
  "object_id",
  "status",
  "rows",
  "bytes",
  "detail",
  "client_address",
];

/** A cell a spreadsheet would run as a formula gets a leading quote (member-controlled text reaches this file). */
function safe(value: string | number | null): string | null {
  if (value === null) return null;
  const text = String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** The audit log as CSV, with the page's filters, streamed a thousand events at a time (admins only). */
export async function GET(request: Request) {
  try {
    const admin = await requireAdmin();
    const parsed = auditQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success)
      return new Response(parsed.error.issues[0]?.message ?? "A filter is not valid.", { status: 422 });
    const filter = auditFilterOf(parsed.data);
    let before: number | null = null;
    let first = true;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (first) {
          first = false;
          controller.enqueue(encoder.encode(csvLine(HEADER)));
          return;
        }
        const page = await auditLog(admin, filter, { before, limit: PAGE });
        const lines = page.events.map((e) =>
          csvLine(
            [
              e.at,
              e.userId,
              e.userEmail,
              e.via,
              e.tokenId,
              e.action,
              e.objectType,
              e.objectId,
              e.status,
              e.rows,
              e.bytes,
              e.detail,
              e.clientAddress,
            ].map(safe),
          ),
        );
        if (lines.length > 0) controller.enqueue(encoder.encode(lines.join("")));
        if (page.next === null) controller.close();
        else before = page.next;
      },
    });
    const day = new Date().toISOString().slice(0, 10);
    return new Response(body, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="lakebook-audit-${day}.csv"`,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  } catch (error) {
    return routeError(error);
  }
}
