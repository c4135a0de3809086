"use client";

import { useEffect, useId, useRef, useState } from "react";
import { listQueriesAction, parameterChoicesAction } from "@/lib/actions/queries";
import type { QueryListItem } from "@/lib/queries";
import {
  markerText,
  PARAMETER_TYPES,
  type ParameterSpec,
  type ParameterType,
  specProblem,
  valueProblem,
} from "@/lib/sql/parameters";

const TYPE_LABELS: Record<ParameterType, string> = {
  text: "Text",
  number: "Number",
  date: "Date",
  timestamp: "Timestamp",
  choice: "Dropdown",
  multi: "Multi-select",
  query: "From a query",
};

const PLACEHOLDERS: Partial<Record<ParameterType, string>> = {
  number: "e.g. 42",
  date: "YYYY-MM-DD",
  timestamp: "YYYY-MM-DD HH:MM:SS",
};

/** A widget's problem: its setup (a dropdown without choices), else its value; null when it can run. */
export function parameterProblem(spec: ParameterSpec): string | null {
  return specProblem(spec) ?? valueProblem(spec);
}

/**
 * One widget per `:name` parameter of the editor's text, above the editor.
 * Who can edit the query sets each widget's type and a dropdown's choices;
 * who can run it sets the values. A value that does not fit its type is
 * marked with a message as it is typed (and the run refuses to start).
 */
export function ParameterBar({
  specs,
  onChange,
  canEditTypes,
  canChangeValues,
  shown,
}: {
  specs: ParameterSpec[];
  onChange(next: ParameterSpec[]): void;
  canEditTypes: boolean;
  canChangeValues: boolean;
  /** Names whose problem is shown even before they are edited (a refused run). */
  shown: ReadonlySet<string>;
}) {
  // A change that arrives later (a dropdown's list, loaded) applies to the widgets as they are then.
  const latest = useRef(specs);
  latest.current = specs;
  if (specs.length === 0) return null;
  const update = (name: string, change: Partial<ParameterSpec>) =>
    onChange(latest.current.map((spec) => (spec.name === name ? { ...spec, ...change } : spec)));
  return (
    <fieldset className="parameter-bar" aria-label="Parameters">
      {specs.map((spec) => (
        <ParameterWidget
          key={spec.name}
          spec={spec}
          onChange={(change) => update(spec.name, change)}
          canEditTypes={canEditTypes}
          canChangeValues={canChangeValues}
          showProblem={shown.has(spec.name)}
        />
      ))}
    </fieldset>
  );
}

function ParameterWidget({
  spec,
  onChange,
  canEditTypes,
  canChangeValues,
  showProblem,
}: {
  spec: ParameterSpec;
  onChange(change: Partial<ParameterSpec>): void;
  canEditTypes: boolean;
  canChangeValues: boolean;
  showProblem: boolean;
}) {
  const id = useId();
  // An empty text box is not yet a mistake; anything typed is checked at once.
  const typed = Array.isArray(spec.value) ? true : spec.value !== "";
  const problem = typed || showProblem ? parameterProblem(spec) : null;
  const choices = spec.choices ?? [];

  const retype = (type: ParameterType) => {
    const list = type === "choice" || type === "multi" || type === "query";
    let value: string | string[] = Array.isArray(spec.value) ? (spec.value[0] ?? "") : spec.value;
    if (type === "multi") value = Array.isArray(spec.value) ? spec.value : spec.value ? [spec.value] : [];
    if (type === "choice" && !choices.includes(value as string)) value = choices[0] ?? "";
    onChange({
      type,
      value,
      choices: list ? choices : undefined,
      queryId: type === "query" ? spec.queryId : undefined,
    });
  };

  return (
    <div className={`parameter${problem ? " invalid" : ""}`} data-parameter={spec.name}>
      <div className="parameter-controls">
        <label htmlFor={id} className="parameter-name">
          <code>{markerText(spec.name)}</code>
        </label>
        {canEditTypes && (
          <select
            aria-label={`Type of ${markerText(spec.name)}`}
            className="parameter-type"
            value={spec.type}
            onChange={(e) => retype(e.target.value as ParameterType)}
          >
            {PARAMETER_TYPES.map((t) => (
              <option key={t} value={t}>
                {TYPE_LABELS[t]}
              </option>
            ))}
          </select>
        )}
        {spec.type === "query" && (
          <QuerySource
            name={spec.name}
            queryId={spec.queryId}
            canPick={canEditTypes}
            onChange={(change) => {
              const next = { ...spec, ...change };
              const kept = next.choices?.includes(next.value as string) ? next.value : (next.choices?.[0] ?? "");
              onChange({ ...change, value: kept });
            }}
          />
        )}
        {spec.type === "choice" || spec.type === "query" ? (
          <select
            id={id}
            aria-label={`Value of ${markerText(spec.name)}`}
            value={spec.value as string}
            disabled={!canChangeValues}
            aria-invalid={problem !== null}
            onChange={(e) => onChange({ value: e.target.value })}
          >
            {!choices.includes(spec.value as string) && <option value={spec.value as string}>Choose…</option>}
            {choices.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        ) : spec.type === "multi" ? (
          <select
            id={id}
            multiple
            aria-label={`Values of ${markerText(spec.name)}`}
            value={spec.value as string[]}
            disabled={!canChangeValues}
            aria-invalid={problem !== null}
            size={Math.min(4, Math.max(2, choices.length))}
            onChange={(e) => onChange({ value: [...e.target.selectedOptions].map((o) => o.value) })}
          >
            {choices.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        ) : (
          <input
            id={id}
            type="text"
            aria-label={`Value of ${markerText(spec.name)}`}
            className={`parameter-value type-${spec.type}`}
            inputMode={spec.type === "number" ? "decimal" : undefined}
            placeholder={PLACEHOLDERS[spec.type]}
            value={spec.value as string}
            disabled={!canChangeValues}
            aria-invalid={problem !== null}
            aria-describedby={problem ? `${id}-problem` : undefined}
            onChange={(e) => onChange({ value: e.target.value })}
          />
        )}
        {canEditTypes && (spec.type === "choice" || spec.type === "multi") && (
          <ChoicesEditor name={spec.name} choices={choices} onChange={(next) => onChange(withChoices(spec, next))} />
        )}
      </div>
      {problem && (
        <span id={`${id}-problem`} className="parameter-problem" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}

/**
 * A dropdown filled from a saved query: who edits the query picks the source
 * among the queries they can see; everyone's widget loads the values of its
 * last result's first column (the server reads them again when it runs).
 */
function QuerySource({
  name,
  queryId,
  canPick,
  onChange,
}: {
  name: string;
  queryId: string | undefined;
  canPick: boolean;
  onChange(change: Partial<ParameterSpec>): void;
}) {
  const [queries, setQueries] = useState<QueryListItem[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!canPick) return;
    let live = true;
    void Promise.all([
      listQueriesAction({ scope: "mine", search: "", offset: 0 }),
      listQueriesAction({ scope: "shared", search: "", offset: 0 }),
    ]).then(([mine, shared]) => {
      if (live) setQueries([...(mine.ok ? mine.data.items : []), ...(shared.ok ? shared.data.items : [])]);
    });
    return () => {
      live = false;
    };
  }, [canPick]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: load once per source query
  useEffect(() => {
    if (!queryId) return;
    let live = true;
    void parameterChoicesAction({ queryId }).then((result) => {
      if (!live) return;
      setProblem(result.ok ? null : result.error);
      if (result.ok) onChange({ choices: result.data.choices });
    });
    return () => {
      live = false;
    };
  }, [queryId]);

  return (
    <>
      {canPick && (
        <select
          aria-label={`Query of ${markerText(name)}`}
          value={queryId ?? ""}
          onChange={(e) => onChange({ queryId: e.target.value || undefined, choices: [] })}
        >
          <option value="">Choose a saved query…</option>
          {queries.map((q) => (
            <option key={q.id} value={q.id}>
              {q.title}
            </option>
          ))}
        </select>
      )}
      {problem && <span className="parameter-problem">{problem}</span>}
    </>
  );
}

/** The dropdown's values, one per line; a chosen value no longer offered is dropped. */
function ChoicesEditor({
  name,
  choices,
  onChange,
}: {
  name: string;
  choices: string[];
  onChange(next: string[]): void;
}) {
  return (
    <details className="parameter-choices">
      <summary>Choices ({choices.length})</summary>
      <textarea
        aria-label={`Choices of ${markerText(name)}, one per line`}
        rows={4}
        defaultValue={choices.join("\n")}
        onBlur={(e) => onChange([...new Set(e.target.value.split("\n").filter((line) => line.trim() !== ""))])}
      />
    </details>
  );
}

function withChoices(spec: ParameterSpec, choices: string[]): Partial<ParameterSpec> {
  if (spec.type === "multi") {
    const kept = (spec.value as string[]).filter((v) => choices.includes(v));
    return { choices, value: kept };
  }
  return { choices, value: choices.includes(spec.value as string) ? spec.value : (choices[0] ?? "") };
}
