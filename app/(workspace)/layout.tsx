import type { ReactNode } from "react";
import { UserMenu } from "@/components/auth/UserMenu";
import { TopBar } from "@/components/ui/TopBar";
import { pageUser } from "@/lib/server/auth/session";

/** Every workspace page needs a signed-in member; a brand-new server first needs its admin. */
export default async function WorkspaceLayout({ children }: { children: ReactNode }) {
  const user = await pageUser();
  const nav = [
    { href: "/", label: "SQL editor" },
    { href: "/queries", label: "Queries" },
    { href: "/notebooks", label: "Notebooks" },
    { href: "/history", label: "History" },
    { href: "/connections", label: "Connections" },
    ...(user.role === "admin"
      ? [
          { href: "/admin/members", label: "Members" },
          { href: "/admin/groups", label: "Groups" },
        ]
      : []),
  ];
  return (
    <>
      <TopBar nav={nav} right={<UserMenu name={user.name} email={user.email} role={user.role} />} />
      {children}
    </>
  );
}
