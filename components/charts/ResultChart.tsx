"use client";

import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { useAction } from "@/components/ui/use-action";
import { chartDataAction } from "@/lib/actions/runs";
import type { ChartData } from "@/lib/charts/types";
import type { ChartSpec } from "@/lib/notebooks/types";
import type { ResultColumn } from "@/lib/results/types";
import { ChartEditor } from "./ChartEditor";
import { ChartView } from "./ChartView";

/**
 * The chart of a stored result (a notebook cell's, an editor tab's): the server
 * samples or aggregates the rows, so the browser gets at most a few thousand points.
 */
export function ResultChart({
  runId,
  columns,
  spec,
  editing,
  canEdit,
  onEdit,
  onChange,
}: {
  runId: string;
  columns: ResultColumn[];
  spec: ChartSpec | null;
  editing: boolean;
  canEdit: boolean;
  onEdit(editing: boolean): void;
  onChange(spec: ChartSpec | null): void;
}) {
  const [data, setData] = useState<ChartData | null>(null);
  const { run, error: problem, forget } = useAction();
  const key = JSON.stringify(spec);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the spec
  useEffect(() => {
    if (!spec) return setData(null);
    // The last message stays until the new chart answers.
    void run(() => chartDataAction({ runId, chart: spec }), { keepError: true }).then((result) => {
      if (result) setData(result.ok ? result.data : null);
    });
    return forget;
  }, [runId, key, run, forget]);

  return (
    <div className="result-chart">
      {editing && (
        <ChartEditor
          columns={columns}
          value={spec}
          onChange={(next) => {
            onChange(next);
            if (!next) onEdit(false);
          }}
        />
      )}
      <Alert>{problem}</Alert>
      {spec && data && <ChartView data={data} />}
      {canEdit && spec && (
        <button type="button" className="link" onClick={() => onEdit(!editing)}>
          {editing ? "Done" : "Edit chart"}
        </button>
      )}
    </div>
  );
}
