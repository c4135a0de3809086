"use client";

import { useSyncExternalStore } from "react";
import { Dialog } from "@/components/ui/Dialog";

/**
 * The SQL editor's keys, as in Databricks' SQL editor where it has them.
 * "Mod" is Cmd on macOS and Ctrl elsewhere; "Ctrl" is Ctrl everywhere. Only
 * keys that work are listed: Lakebook's own commands and Monaco's defaults.
 */
export const EDITOR_SHORTCUTS: { keys: string[]; what: string }[] = [
  { keys: ["Mod+Enter"], what: "Run the selection, or everything" },
  { keys: ["Mod+Shift+Enter"], what: "Run the statement under the cursor" },
  { keys: ["Mod+S"], what: "Save the query" },
  { keys: ["Mod+Shift+F"], what: "Format the selection, or everything" },
  { keys: ["Mod+/"], what: "Comment or uncomment the lines" },
  { keys: ["Mod+Z", "Mod+Shift+Z"], what: "Undo, redo" },
  { keys: ["Ctrl+Space"], what: "Show suggestions" },
  { keys: ["Mod+F"], what: "Find" },
  { keys: ["Mod+D"], what: "Also select the next occurrence" },
  { keys: ["Alt+↑", "Alt+↓"], what: "Move the lines up, down" },
  { keys: ["Mod+]", "Mod+["], what: "Indent, outdent the lines" },
  { keys: ["Mod+Shift+K"], what: "Delete the lines" },
  { keys: ["F1"], what: "All editor commands" },
];

/** Whether the browser runs on an Apple system, where Monaco's CtrlCmd is Cmd. */
export function isApple(): boolean {
  if (typeof navigator === "undefined") return false;
  const agent = navigator.userAgent;
  return agent.includes("Macintosh") || agent.includes("iPhone") || agent.includes("iPad");
}

const noSubscription = () => () => {};

/** `isApple()` in a component: false while the server renders and hydrates (no mismatch), then the browser's answer. */
export function useApple(): boolean {
  return useSyncExternalStore(noSubscription, isApple, () => false);
}

/** "Mod+Shift+F" as this system names it: ⌘+Shift+F on macOS, Ctrl+Shift+F elsewhere. */
export function keyLabel(keys: string, apple: boolean): string {
  return keys
    .split("+")
    .map((key) => (key === "Mod" ? (apple ? "⌘" : "Ctrl") : key === "Alt" && apple ? "⌥" : key))
    .join("+");
}

export function EditorShortcutsDialog({ onClose }: { onClose(): void }) {
  const apple = useApple();
  return (
    <Dialog title="Editor keyboard shortcuts" open onClose={onClose}>
      <table className="list shortcuts">
        <thead>
          <tr>
            <th>Keys</th>
            <th>What they do</th>
          </tr>
        </thead>
        <tbody>
          {EDITOR_SHORTCUTS.map((s) => (
            <tr key={s.what}>
              <td>
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && " / "}
                    <kbd>{keyLabel(k, apple)}</kbd>
                  </span>
                ))}
              </td>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
