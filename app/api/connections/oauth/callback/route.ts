import { requireUser } from "@/lib/server/auth/session";
import { finishMemberSignIn, signInProblem } from "@/lib/server/connections/member-sign-in";

export const dynamic = "force-dynamic";

/** Where the workspace sends a member back after "Connect with Databricks" (registered with its OAuth app). */
export async function GET(request: Request): Promise<Response> {
  try {
    return await finishMemberSignIn(await requireUser(), request);
  } catch (error) {
    return signInProblem(error);
  }
}
