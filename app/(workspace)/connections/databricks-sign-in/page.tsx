import Link from "next/link";
import { Alert } from "@/components/ui/Alert";
import { safeCallbackPath } from "@/lib/auth/callback-path";
import { databricksSignInErrorText } from "@/lib/auth/databricks-sign-in-errors";
import { pageUser } from "@/lib/server/auth/session";

export const dynamic = "force-dynamic";

/** Where a failed "Connect with Databricks" lands: our words for its code, and the way back to where it started. */
export default async function DatabricksSignInProblemPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await pageUser();
  const params = await searchParams;
  return (
    <main className="page problem-page">
      <h1>Lakebook could not connect you with Databricks</h1>
      <Alert>{databricksSignInErrorText(params.error)}</Alert>
      <div className="form-buttons">
        <Link className="button" href={safeCallbackPath(params.next)}>
          Back to Lakebook
        </Link>
      </div>
    </main>
  );
}
