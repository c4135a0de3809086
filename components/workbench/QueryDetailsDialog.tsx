"use client";

import { useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { Dialog } from "@/components/ui/Dialog";

export interface QueryDetails {
  title: string;
  description: string;
}

/** Title and description of a query being saved (new, a copy, or renamed). */
export function QueryDetailsDialog({
  heading,
  initial,
  busy,
  error,
  onSubmit,
  onClose,
}: {
  heading: string;
  initial: QueryDetails;
  busy: boolean;
  error: string | null;
  onSubmit(details: QueryDetails): void;
  onClose(): void;
}) {
  const [title, setTitle] = useState(initial.title);
  const [description, setDescription] = useState(initial.description);
  return (
    <Dialog title={heading} open onClose={onClose}>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit({ title, description });
        }}
      >
        <label>
          Title
          <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} autoFocus />
        </label>
        <label>
          Description <span className="muted">(optional)</span>
          <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={3} maxLength={4000} />
        </label>
        <Alert>{error}</Alert>
        <div className="form-buttons">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !title.trim()}>
            {busy ? "Saving…" : "Save"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
