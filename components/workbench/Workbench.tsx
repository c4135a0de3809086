"use client";

import { useCallback, useEffect, useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { useAction } from "@/components/ui/use-action";
import { closeTabAction, openTabAction } from "@/lib/actions/tabs";
import type { ConnectionView } from "@/lib/connections";
import type { ChartSpec } from "@/lib/notebooks/types";
import type { EditorTabView } from "@/lib/tabs";
import { TabPane } from "./TabPane";
import { TabStrip } from "./TabStrip";
import "./workbench.css";
import "./dialogs.css";

const ACTIVE_KEY = "lakebook.activeTab";

/**
 * The SQL editor: the user's tabs, each with its own draft (kept on the
 * server), connection and last run. A saved query's tab has the query's
 * address, so the address bar always holds a link to share.
 */
export function Workbench({
  connections,
  tabs: initialTabs,
  activeId: requested,
}: {
  connections: ConnectionView[];
  tabs: EditorTabView[];
  activeId: string | null;
}) {
  const [tabs, setTabs] = useState(initialTabs);
  const [activeId, setActiveId] = useState(requested ?? initialTabs[0].id);
  const { run, error: problem } = useAction();
  const active = tabs.find((t) => t.id === activeId) ?? tabs[0];

  // Without an explicit tab, come back to the one last used in this browser.
  useEffect(() => {
    if (requested) return;
    const remembered = localStorage.getItem(ACTIVE_KEY);
    if (remembered && initialTabs.some((t) => t.id === remembered)) setActiveId(remembered);
  }, [requested, initialTabs]);

  useEffect(() => {
    localStorage.setItem(ACTIVE_KEY, active.id);
    const path = active.query ? `/queries/${active.query.id}` : "/";
    if (window.location.pathname + window.location.search !== path) window.history.replaceState(null, "", path);
  }, [active.id, active.query]);

  const replaceTab = useCallback((next: EditorTabView) => {
    // The server's copy of the draft may be behind what this browser already has.
    setTabs((all) =>
      all.map((t) =>
        t.id !== next.id
          ? t
          : t.revision > next.revision
            ? { ...next, sql: t.sql, connectionId: t.connectionId, revision: t.revision }
            : next,
      ),
    );
  }, []);

  const recordDraft = useCallback((tabId: string, draft: { sql: string; connectionId: string; revision: number }) => {
    setTabs((all) => all.map((t) => (t.id === tabId ? { ...t, ...draft } : t)));
  }, []);

  // Each tab opened or closed must reach the strip, so these calls are independent of one another.
  const open = useCallback(
    async (draft: { title: string; sql: string; connectionId: string; chart?: ChartSpec | null }) => {
      const result = await run(() => openTabAction(draft), { keepError: true, independent: true });
      if (!result?.ok) return;
      setTabs((all) => [...all, result.data]);
      setActiveId(result.data.id);
    },
    [run],
  );

  const close = useCallback(
    async (tab: EditorTabView) => {
      const result = await run(() => closeTabAction({ tabId: tab.id }), { keepError: true, independent: true });
      if (!result?.ok) return;
      const rest = tabs.filter((t) => t.id !== tab.id);
      if (rest.length === 0) {
        await open({ title: "Untitled", sql: "", connectionId: tab.connectionId });
        setTabs((all) => all.filter((t) => t.id !== tab.id));
        return;
      }
      setTabs(rest);
      if (tab.id === active.id) setActiveId(rest[Math.max(0, tabs.indexOf(tab) - 1)].id);
    },
    [tabs, active.id, open, run],
  );

  return (
    <div className="tabbed">
      <TabStrip
        tabs={tabs}
        activeId={active.id}
        onSelect={setActiveId}
        onClose={(tab) => void close(tab)}
        onNew={() => void open({ title: "Untitled", sql: "", connectionId: active.connectionId })}
      />
      <Alert>{problem}</Alert>
      <TabPane
        key={active.id}
        tab={active}
        connections={connections}
        onTab={replaceTab}
        onDraft={recordDraft}
        onOpenCopy={open}
      />
    </div>
  );
}
