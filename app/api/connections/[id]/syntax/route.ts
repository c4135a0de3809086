import { failed } from "@/lib/action-result";
import { jsonAnswer as answer, jsonFailure } from "@/lib/server/actions/route-error";
import { isSameOrigin } from "@/lib/server/actions/same-origin";
import { requireUser } from "@/lib/server/auth/session";
import { readTextBody } from "@/lib/server/http/body";
import { checkSyntax } from "@/lib/server/syntax";
import { MAX_SYNTAX_CHECK_BYTES, syntaxTooLong } from "@/lib/syntax";

export const dynamic = "force-dynamic";

const CROSS_SITE = "SQL is checked only for Lakebook's own pages.";

/**
 * The editor's syntax check: the text is the raw body (a statement does not
 * fit in a URL), read under its own limit. A route rather than a server
 * action, so that typing never waits behind an autosave. Answers like an
 * action: `{ ok, data: SyntaxCheck }` or `{ ok: false, error, code }`.
 */
export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  if (!isSameOrigin(request)) return answer(403, failed(CROSS_SITE, "forbidden"));
  try {
    const user = await requireUser();
    const { id } = await context.params;
    const sql = await readTextBody(request, MAX_SYNTAX_CHECK_BYTES, syntaxTooLong);
    return answer(200, { ok: true, data: await checkSyntax(user, id.slice(0, 64), sql) });
  } catch (error) {
    return jsonFailure(error);
  }
}
