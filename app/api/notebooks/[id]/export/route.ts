import { exportNotebookInput } from "@/lib/schemas/notebooks";
import { routeError } from "@/lib/server/actions/route-error";
import { requireUser } from "@/lib/server/auth/session";
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
  try {
    const user = await requireUser();
    const file = await exportNotebookFile(user, id, input.data.format, {
      connect: input.data.connect,
      baseUrl: publicOrigin(request),
    });
    return new Response(file.text, {
      headers: {
        "Content-Type": `${file.mimeType}; charset=utf-8`,
        "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  } catch (error) {
    return routeError(error);
  }
}
