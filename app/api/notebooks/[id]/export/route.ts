import { exportNotebookInput } from "@/lib/schemas/notebooks";
import { auditBrowserDownload, auditRefusedDownload } from "@/lib/server/audit";
import { requireUser } from "@/lib/server/auth/session";
import type { User } from "@/lib/server/db/schema";
import { publicOrigin } from "@/lib/server/http/origin";
import { exportNotebookFile } from "@/lib/server/notebooks";

export const dynamic = "force-dynamic";

const TEXT = { "Content-Type": "text/plain; charset=utf-8" };

/** Downloads a notebook as Jupyter .ipynb (either flavour) or as a Databricks-style .sql file. */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  const { id } = await context.params;
  const params = new URL(request.url).searchParams;
  const input = exportNotebookInput.safeParse({
    notebookId: id,
    format: params.get("format") ?? undefined,
    connect: params.get("connect") ?? undefined,
  });
  if (!input.success)
    return new Response("Choose an export format from the Export menu.", { status: 422, headers: TEXT });
  const action = `download notebook ${input.data.format}${input.data.format === "ipynb" ? ` (${input.data.connect})` : ""}`;
  const object = { type: "notebook" as const, id };
  let user: User | null = null;
  try {
    const me = await requireUser();
    user = me;
    const file = await exportNotebookFile(me, id, input.data.format, {
      connect: input.data.connect,
      baseUrl: publicOrigin(request),
    });
    // A Jupyter file carries the first rows of every cell's result: a download like any other.
    const body = auditBrowserDownload(
      me,
      request,
      { action, object, rows: null },
      new Response(file.text).body as ReadableStream<Uint8Array>,
    );
    return new Response(body, {
      headers: {
        "Content-Type": `${file.mimeType}; charset=utf-8`,
        "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  } catch (error) {
    return auditRefusedDownload(user, request, { action, object }, error);
  }
}
