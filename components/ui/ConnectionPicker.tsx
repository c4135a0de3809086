"use client";

import type { ConnectionView } from "@/lib/connections";
import { useHydrated } from "./use-hydrated";

/**
 * Which connection SQL runs on; one the viewer cannot use stays selected,
 * named as such. Disabled until the page is hydrated: a choice made before
 * React attaches would be put back to the draft's connection, and the next
 * run would go to the wrong warehouse.
 */
export function ConnectionPicker({
  value,
  connections,
  disabled,
  onChange,
}: {
  value: string;
  connections: ConnectionView[];
  disabled?: boolean;
  onChange(id: string): void;
}) {
  const hydrated = useHydrated();
  return (
    <label className="connection-picker">
      Connection{" "}
      <select value={value} disabled={disabled || !hydrated} onChange={(event) => onChange(event.target.value)}>
        {!connections.some((c) => c.id === value) && <option value={value}>(a connection you cannot use)</option>}
        {connections.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
            {c.scope === "personal" ? " (personal)" : ""}
          </option>
        ))}
      </select>
    </label>
  );
}
