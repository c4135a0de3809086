"use client";

import { Dialog } from "@/components/ui/Dialog";

/** The keys a notebook answers to, as Jupyter and Databricks users know them. */
export const SHORTCUTS: { keys: string; what: string; mode: "Editing" | "Command" }[] = [
  { keys: "Shift+Enter", what: "Run the cell and go to the next (a new one at the end)", mode: "Editing" },
  { keys: "Ctrl+Enter (⌘+Enter)", what: "Run the cell", mode: "Editing" },
  { keys: "Ctrl+Shift+F (⌘+Shift+F)", what: "Format the cell's SQL (or the selection)", mode: "Editing" },
  { keys: "Esc", what: "Leave the cell's editor (command mode)", mode: "Editing" },
  { keys: "Enter", what: "Edit the selected cell", mode: "Command" },
  { keys: "↑ / ↓ or K / J", what: "Select the cell above / below", mode: "Command" },
  { keys: "A / B", what: "Add a SQL cell above / below", mode: "Command" },
  { keys: "M / Y", what: "Make the cell Markdown / SQL", mode: "Command" },
  { keys: "Shift+Enter, Ctrl+Enter", what: "Run the selected cell", mode: "Command" },
];

export function ShortcutsDialog({ onClose }: { onClose(): void }) {
  return (
    <Dialog title="Keyboard shortcuts" open onClose={onClose}>
      <table className="list shortcuts">
        <thead>
          <tr>
            <th>Keys</th>
            <th>What they do</th>
            <th>When</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={`${s.mode}${s.keys}`}>
              <td>
                <kbd>{s.keys}</kbd>
              </td>
              <td>{s.what}</td>
              <td>{s.mode === "Editing" ? "in a cell's editor" : "a cell selected, not editing"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
