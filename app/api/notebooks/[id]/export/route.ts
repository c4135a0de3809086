import { routeError } from "@/lib/server/actions/route-error";
import { requireUser } from "@/lib/server/auth/session";
import { exportNotebookFile } from "@/lib/server/notebooks";

export const dynamic = "force-dynamic";

/** Downloads a notebook as Jupyter .ipynb or as a Databricks-style .sql file. */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  const { id } = await context.params;
  const format = new URL(request.url).searchParams.get("format") === "sql" ? "sql" : "ipynb";
  try {
    const user = await requireUser();
    const file = await exportNotebookFile(user, id, format);
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
