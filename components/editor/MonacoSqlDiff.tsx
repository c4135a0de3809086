"use client";

import { DiffEditor } from "@monaco-editor/react";
import "./monaco";

export function MonacoSqlDiff({ original, modified }: { original: string; modified: string }) {
  return (
    <DiffEditor
      original={original}
      modified={modified}
      language="sql"
      options={{
        readOnly: true,
        originalEditable: false,
        minimap: { enabled: false },
        renderSideBySide: true,
        scrollBeyondLastLine: false,
        automaticLayout: true,
        fontSize: 13,
      }}
    />
  );
}
