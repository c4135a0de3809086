import { requireUser } from "@/lib/server/auth/session";
import { signInProblem, startMemberSignIn } from "@/lib/server/connections/member-sign-in";

export const dynamic = "force-dynamic";

/** "Connect with Databricks": the member signs in to the workspace of a user-to-machine connection (`?next=` a path here). */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const user = await requireUser();
    return await startMemberSignIn(user, (await context.params).id, request);
  } catch (error) {
    return signInProblem(error);
  }
}
