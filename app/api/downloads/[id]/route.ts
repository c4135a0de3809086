import { jsonAnswer, jsonFailure } from "@/lib/server/actions/route-error";
import { isSameOrigin } from "@/lib/server/actions/same-origin";
import { requireUser } from "@/lib/server/auth/session";
import { cancelDownload, downloadProgress } from "@/lib/server/runs/download-progress";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

/** How far one of the member's own downloads got (rows and bytes sent, and whether it ended). */
export async function GET(_request: Request, context: Context) {
  const { id } = await context.params;
  try {
    const user = await requireUser();
    return jsonAnswer(200, { ok: true, data: downloadProgress(user.id, id) });
  } catch (error) {
    return jsonFailure(error);
  }
}

/** Cancels one of the member's own downloads: its stream ends with an error and its source stops. */
export async function DELETE(request: Request, context: Context) {
  const { id } = await context.params;
  try {
    if (!isSameOrigin(request))
      return jsonAnswer(403, { ok: false, error: "Cancel a download from its page.", code: "forbidden" });
    const user = await requireUser();
    return jsonAnswer(200, { ok: true, data: cancelDownload(user.id, id) });
  } catch (error) {
    return jsonFailure(error);
  }
}
