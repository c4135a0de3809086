import { UserError } from "@/lib/action-result";
import { csvFileName } from "@/lib/csv";
import { failureMessage } from "@/lib/server/actions/safe-action";
import { currentActor } from "@/lib/server/actor";
import { csvDownload } from "@/lib/server/runs/runs";

export const dynamic = "force-dynamic";

/** Streams a run's whole stored result as CSV, in constant server memory. */
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  const { id } = await context.params;
  try {
    const actor = await currentActor();
    const { record, body } = await csvDownload(actor, id);
    const name = csvFileName(record.sql, record.startedAt);
    return new Response(body, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${name}"`,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  } catch (error) {
    const status = UserError.is(error) ? (/^Not found/.test(error.message) ? 404 : 409) : 500;
    return new Response(failureMessage(error), { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}
