"use client";

import Link from "next/link";
import { signOut } from "next-auth/react";
import { flushAllDrafts } from "@/lib/drafts";

export function UserMenu({
  name,
  email,
  role,
  sso = false,
}: {
  name: string;
  email: string;
  role: string;
  /** Single sign-on is set up: link to Account › Single sign-on. */
  sso?: boolean;
}) {
  return (
    <div className="user-menu">
      <Link href="/account" title={`${email}: your account`} className="user-link">
        {name}
        {role === "admin" && <span className="badge">admin</span>}
      </Link>
      {sso && (
        <a className="user-menu-link" href="/account/single-sign-on">
          Single sign-on
        </a>
      )}
      <button
        type="button"
        className="ghost"
        onClick={() => void flushAllDrafts().then(() => signOut({ callbackUrl: "/signin" }))}
      >
        Sign out
      </button>
    </div>
  );
}
