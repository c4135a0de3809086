import Link from "next/link";
import { UserMenu } from "@/components/auth/UserMenu";
import { NotFoundPage } from "@/components/ui/ProblemPage";
import { TopBar } from "@/components/ui/TopBar";
import { workspaceNav } from "@/lib/nav";
import { currentUser } from "@/lib/server/auth/session";

/**
 * Any address with no page: inside the app's navigation when signed in. (A
 * workspace page's `notFound()` is shown by (workspace)/not-found.tsx, under
 * the workspace's own bar.)
 */
export default async function NotFound() {
  const user = await currentUser().catch(() => null);
  return (
    <>
      <TopBar
        nav={user ? workspaceNav(user.role) : []}
        right={
          user ? <UserMenu name={user.name} email={user.email} role={user.role} /> : <Link href="/signin">Sign in</Link>
        }
      />
      <NotFoundPage />
    </>
  );
}
