import { NOT_FOUND, UserError } from "@/lib/action-result";
import { failureMessage } from "@/lib/server/actions/safe-action";
import { requireUser, SIGN_IN_REQUIRED } from "@/lib/server/auth/session";
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
    const status = !UserError.is(error)
      ? 500
      : error.message === SIGN_IN_REQUIRED
        ? 401
        : error.message === NOT_FOUND
          ? 404
          : 403;
    return new Response(failureMessage(error), { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}
