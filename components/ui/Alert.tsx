import type { ReactNode } from "react";

/**
 * A message about what the user just did: a failure (`error`, announced at
 * once) or a confirmation (`notice`, announced politely). Shows nothing when
 * there is no message, so callers can pass `error` from useAction as it is.
 */
export function Alert({
  children,
  tone = "error",
  inline = false,
  as: Element = "p",
  className,
  role,
  id,
}: {
  children: ReactNode;
  tone?: "error" | "notice";
  /** Text within a line or a row (coloured text), instead of a banner across the page. */
  inline?: boolean;
  as?: "p" | "span" | "li" | "div";
  className?: string;
  /** By default `alert` for an error and `status` for a notice. */
  role?: "alert" | "status";
  id?: string;
}) {
  if (children === null || children === undefined || children === false || children === "") return null;
  const look = `${tone === "notice" ? "ok" : "error"}-${inline ? "text" : "banner"}`;
  return (
    <Element
      id={id}
      className={className ? `${look} ${className}` : look}
      role={role ?? (tone === "notice" ? "status" : "alert")}
    >
      {children}
    </Element>
  );
}
