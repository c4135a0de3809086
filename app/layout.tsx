import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "Lakebook",
  description: "SQL explorer and notebooks for Databricks SQL warehouses",
  icons: { icon: "/icon.svg" },
};

function Logo() {
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

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <a href="/" className="brand">
            <Logo /> Lakebook
          </a>
          <nav aria-label="Main">
            <a href="/" aria-current="page">
              SQL editor
            </a>
          </nav>
        </header>
        {children}
      </body>
    </html>
  );
}
