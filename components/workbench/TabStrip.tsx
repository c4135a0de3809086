"use client";

import type { EditorTabView } from "@/lib/tabs";

/** The row of editor tabs. Closing a tab whose text is not saved as a query asks first. */
export function TabStrip({
  tabs,
  activeId,
  onSelect,
  onClose,
  onNew,
}: {
  tabs: EditorTabView[];
  activeId: string;
  onSelect(id: string): void;
  onClose(tab: EditorTabView): void;
  onNew(): void;
}) {
  return (
    <div className="tab-strip">
      <div role="tablist" aria-label="Editor tabs">
        {tabs.map((tab) => {
          const title = tab.query?.savedTitle ?? tab.title;
          return (
            <div key={tab.id} className={`tab${tab.id === activeId ? " active" : ""}`}>
              <button
                type="button"
                role="tab"
                aria-selected={tab.id === activeId}
                onClick={() => onSelect(tab.id)}
                title={title}
              >
                {title}
                {(tab.query ? tab.sql !== tab.query.savedSql : false) && (
                  <span className="dirty" title="Unsaved changes">
                    ● <span className="sr-only">unsaved changes</span>
                  </span>
                )}
              </button>
              <button
                type="button"
                className="tab-close"
                aria-label={`Close ${title}`}
                onClick={() => {
                  const unsaved = tab.query === null ? tab.sql.trim() !== "" : tab.sql !== tab.query.savedSql;
                  const warning = tab.query
                    ? `Close "${title}" and discard its unsaved changes?`
                    : `Close "${title}"? Its text is not saved as a query.`;
                  if (!unsaved || window.confirm(warning)) onClose(tab);
                }}
              >
                ×
              </button>
            </div>
          );
        })}
      </div>
      <button type="button" className="tab-new" onClick={onNew} aria-label="New tab" title="New tab">
        +
      </button>
    </div>
  );
}
