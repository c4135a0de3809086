import { formatParameterValue, markerText, type RunParameter } from "@/lib/sql/parameters";

/** "Ran with :start = 2024-01-01, :kind = card": the parameter values a run was bound with. */
export function RanWith({ parameters, className = "" }: { parameters: RunParameter[]; className?: string }) {
  return (
    <p className={`ran-with muted ${className}`.trim()} data-testid="ran-with">
      Ran with{" "}
      {parameters.map((p, i) => (
        <span key={p.name}>
          {i > 0 && ", "}
          <code>{markerText(p.name)}</code> = <span className="ran-with-value">{formatParameterValue(p)}</span>
        </span>
      ))}
    </p>
  );
}
