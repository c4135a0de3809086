import { describe, expect, it } from "vitest";
import { EDITOR_SHORTCUTS, keyLabel } from "./EditorShortcutsDialog";

describe("the editor's shortcuts list", () => {
  it("names Monaco's CtrlCmd as Cmd on Apple systems and Ctrl elsewhere", () => {
    expect(keyLabel("Mod+Shift+F", true)).toBe("⌘+Shift+F");
    expect(keyLabel("Mod+Shift+F", false)).toBe("Ctrl+Shift+F");
    expect(keyLabel("Mod+/", true)).toBe("⌘+/");
    // Ctrl+Space is Ctrl on a Mac too; Alt is Option there.
    expect(keyLabel("Ctrl+Space", true)).toBe("Ctrl+Space");
    expect(keyLabel("Alt+↑", true)).toBe("⌥+↑");
  });

  it("lists the run, format, save and comment keys of Databricks' editor", () => {
    const keys = EDITOR_SHORTCUTS.flatMap((s) => s.keys);
    for (const key of ["Mod+Enter", "Mod+Shift+Enter", "Mod+Shift+F", "Mod+S", "Mod+/"]) expect(keys).toContain(key);
  });
});
