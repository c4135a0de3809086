import Link from "next/link";
import type { ReactNode } from "react";
import type { NavItem } from "@/lib/nav";
import { NavLinks } from "./NavLinks";

export function Logo() {
  return (
    <svg viewBox="0 0 32 32" width={20} height={20} aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="#1f6feb" />
      <path
        d="M7 10c3 2 6 2 9 0s6-2 9 0M7 16c3 2 6 2 9 0s6-2 9 0M7 22c3 2 6 2 9 0s6-2 9 0"
        fill="none"
        stroke="#fff"
        strokeWidth="2.2"
        strokeLinecap="round"
      />
    </svg>
  );
}

/** The dark bar on top of every page: brand, navigation, and whatever goes on the right. */
export function TopBar({ nav = [], right }: { nav?: NavItem[]; right?: ReactNode }) {
  return (
    <header className="topbar">
      <Link href="/" className="brand">
        <Logo /> Lakebook
      </Link>
      <NavLinks items={nav} />
      <span className="spacer" />
      {right}
    </header>
  );
}
