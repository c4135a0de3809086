"use client";

import { ErrorView } from "@/components/ui/ErrorView";

/** An error in a workspace page: shown under the workspace's navigation, which still works. */
export default function WorkspaceError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorView error={error} reset={reset} />;
}
