"use client";

import type { ConnectionView } from "@/lib/connections";

/** Which connection SQL runs on; one the viewer cannot use stays selected, named as such. */
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
  return (
    <label className="connection-picker">
      Connection{" "}
      <select value={value} disabled={disabled} onChange={(event) => onChange(event.target.value)}>
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
