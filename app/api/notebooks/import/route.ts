import { failed } from "@/lib/action-result";
import { fileTooLarge, MAX_IMPORT_BYTES } from "@/lib/notebooks/limits";
import { jsonAnswer as answer, jsonFailure } from "@/lib/server/actions/route-error";
import { isSameOrigin } from "@/lib/server/actions/same-origin";
import { requireUser } from "@/lib/server/auth/session";
import { readTextBody } from "@/lib/server/http/body";
import { importNotebookFile } from "@/lib/server/notebooks";

export const dynamic = "force-dynamic";

const CROSS_SITE = "Notebooks are imported only from Lakebook's own pages.";
const NO_NAME = "Say which file this is: its name (?filename=) and the connection (?connection=) are missing.";

/**
 * Imports a Jupyter (.ipynb) or .sql file sent as the raw request body, with
 * `?filename=` and `?connection=`. A route rather than a server action: the
 * body streams in under the import's own limit (16 MiB) with a clear answer
 * past it, where a server action's body limit ends in a bare HTTP error.
 * Answers like a server action, `{ ok, data: { id } }` or `{ ok: false, error, code }`.
 */
export async function POST(request: Request): Promise<Response> {
  if (!isSameOrigin(request)) return answer(403, failed(CROSS_SITE, "forbidden"));
  try {
    const user = await requireUser();
    const params = new URL(request.url).searchParams;
    const filename = params.get("filename")?.slice(0, 255) ?? "";
    const connectionId = params.get("connection")?.slice(0, 64) ?? "";
    if (!filename || !connectionId) return answer(400, failed(NO_NAME));
    const text = await readTextBody(request, MAX_IMPORT_BYTES, fileTooLarge);
    const { id } = await importNotebookFile(user, { filename, text, connectionId });
    return answer(200, { ok: true, data: { id } });
  } catch (error) {
    // Refusals keep their message (sign-in, not found, too large, not a notebook); anything else has a reference.
    return jsonFailure(error);
  }
}
