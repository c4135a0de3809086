/** Pieces the sign-in, setup and invitation forms share. */

export function NameField() {
  return (
    <label>
      Your name
      <input name="name" autoComplete="name" required autoFocus />
    </label>
  );
}

export function NewPasswordField() {
  return (
    <label>
      Password <span className="muted small">(at least 12 characters)</span>
      <input name="password" type="password" autoComplete="new-password" minLength={12} required />
    </label>
  );
}

/** The form's problem, if any, and its submit button (disabled while busy). */
export function FormFooter({
  problem,
  busy,
  label,
  busyLabel,
}: {
  problem: string | null;
  busy: boolean;
  label: string;
  busyLabel: string;
}) {
  return (
    <>
      {problem && (
        <p className="error-banner" role="alert">
          {problem}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? busyLabel : label}
      </button>
    </>
  );
}
