"use client";

import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/Alert";
import type { ActionResult } from "@/lib/action-result";
import { formatCount } from "@/lib/results/format";
import type { ColumnProfile } from "@/lib/results/profile";
import { readProfile } from "@/lib/results/reads";

/** A column's profile over the whole stored result: counts, extremes, quartiles, a histogram or the common values. */
export function ColumnProfileView({ runId, column }: { runId: string; column: number }) {
  const [profile, setProfile] = useState<ActionResult<ColumnProfile> | null>(null);
  useEffect(() => {
    let live = true;
    setProfile(null);
    void readProfile(runId, column).then((result) => live && setProfile(result));
    return () => {
      live = false;
    };
  }, [runId, column]);

  if (profile === null) return <p className="muted">Profiling every row…</p>;
  if (!profile.ok) return <Alert inline>{profile.error}</Alert>;
  const p = profile.data;
  const percent = p.rows > 0 ? ` (${((p.nulls / p.rows) * 100).toFixed(1)}%)` : "";
  const rows: [string, string][] = [
    ["Rows", formatCount(p.rows)],
    ["Nulls", `${formatCount(p.nulls)}${percent}`],
    ["Distinct (approx.)", formatCount(p.distinct)],
    ["Min", p.min ?? "—"],
    ["Max", p.max ?? "—"],
  ];
  if (p.mean !== null) rows.push(["Mean", p.mean]);
  if (p.quantiles) rows.push(["25% / 50% / 75%", p.quantiles.join(" / ")]);
  const bars =
    p.kind === "text"
      ? p.top.map((t) => ({ label: t.value ?? "NULL", count: t.count }))
      : p.histogram.map((b) => ({ label: `≤ ${b.upTo}`, count: b.count }));
  const most = Math.max(1, ...bars.map((b) => b.count));
  return (
    <div className="column-profile" data-testid="column-profile">
      <dl>
        {rows.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd title={value}>{value}</dd>
          </div>
        ))}
      </dl>
      {bars.length > 0 && (
        <figure>
          <figcaption className="muted small">{p.kind === "text" ? "Most common values" : "Histogram"}</figcaption>
          <ul className="profile-bars" aria-label={p.kind === "text" ? "Most common values" : "Histogram"}>
            {bars.map((bar) => (
              <li key={bar.label} title={`${bar.label}: ${formatCount(bar.count)}`}>
                <span className="profile-bar-label">{bar.label}</span>
                <span className="profile-bar" style={{ width: `${(bar.count / most) * 100}%` }} />
                <span className="profile-bar-count">{formatCount(bar.count)}</span>
              </li>
            ))}
          </ul>
        </figure>
      )}
    </div>
  );
}
