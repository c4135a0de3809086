import Link from "next/link";
import type { ReactNode } from "react";

/**
 * The body of the "not found" and error pages: what happened, what to do, and
 * (for an error) the reference the member can quote; the server's log has
 * the same reference with the details.
 */
export function ProblemPage({
  title,
  children,
  reference,
  onRetry,
}: {
  title: string;
  children: ReactNode;
  reference?: string;
  onRetry?: () => void;
}) {
  return (
    <main className="page problem-page">
      <h1>{title}</h1>
      <div className="problem-text">{children}</div>
      {reference && (
        <p className="problem-reference">
          Reference: <code>{reference}</code>
        </p>
      )}
      <div className="form-buttons">
        {onRetry && (
          <button type="button" className="primary" onClick={onRetry}>
            Try again
          </button>
        )}
        <Link className="button" href="/">
          Go to the SQL editor
        </Link>
      </div>
    </main>
  );
}

/** Nothing here, or nothing the member may see: the two look the same. */
export function NotFoundPage() {
  return (
    <ProblemPage title="Page not found">
      <p>There is nothing at this address, or it is not yours to see.</p>
      <p className="muted">Check the link, or find what you need from the navigation above.</p>
    </ProblemPage>
  );
}
