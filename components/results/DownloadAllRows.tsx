"use client";

import { useId, useState } from "react";
import { Alert } from "@/components/ui/Alert";

/**
 * "Download every row as CSV": a form POST, because the download runs the query
 * again (the route refuses GET for it, so no link, <img> or prefetch can start
 * it). The answer goes to a hidden frame: a CSV becomes a download and the page
 * stays; a refusal (server busy, not yours) is read from the frame and shown.
 */
export function DownloadAllRows({ runId }: { runId: string }) {
  const frame = `download-${useId()}`;
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <form
      className="inline-form"
      method="post"
      action={`/api/runs/${runId}/csv?all=1`}
      target={frame}
      onSubmit={() => setProblem(null)}
    >
      <button type="submit" className="link">
        Download every row as CSV
      </button>
      <iframe
        name={frame}
        title="Download every row"
        hidden
        onLoad={(event) => {
          const text = event.currentTarget.contentDocument?.body?.textContent?.trim();
          if (text) setProblem(text);
        }}
      />
      <Alert as="span" inline>
        {problem && ` ${problem}`}
      </Alert>
    </form>
  );
}
