"use client";

import { useState } from "react";
import { UsePythonDialog, type UsePythonProps } from "./UsePythonDialog";

/** A "Use from Python" button that opens the snippets for what it is given. */
export function UsePythonButton({ label, ...props }: UsePythonProps & { label?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)} aria-label={label}>
        Use from Python
      </button>
      {open && <UsePythonDialog {...props} onClose={() => setOpen(false)} />}
    </>
  );
}
