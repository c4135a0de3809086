export interface NavItem {
  href: string;
  label: string;
}

/** The workspace's navigation: what every member sees, and the admin pages for admins. */
export function workspaceNav(role: string): NavItem[] {
  return [
    { href: "/", label: "SQL editor" },
    { href: "/queries", label: "Queries" },
    { href: "/notebooks", label: "Notebooks" },
    { href: "/history", label: "History" },
    { href: "/connections", label: "Connections" },
    ...(role === "admin"
      ? [
          { href: "/admin/members", label: "Members" },
          { href: "/admin/groups", label: "Groups" },
          { href: "/admin/tokens", label: "Tokens" },
          { href: "/admin/audit", label: "Audit log" },
        ]
      : []),
  ];
}
