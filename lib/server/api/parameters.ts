import "server-only";
import {
  findParameters,
  MAX_VALUE_LENGTH,
  PARAMETER_TYPES,
  type ParameterSpec,
  type ParameterType,
  specsFor,
  valueProblem,
} from "@/lib/sql/parameters";
import { dialectOfConnection } from "../connections/access";
import type { Query } from "../db/schema";
import { ApiProblem } from "./route";

/** The parameter values a script sends: on a saved query's URL, or in an ad-hoc statement's body. */

/**
 * The saved query's parameters with the values of `?p.<name>=…` (a multi-select
 * repeats its name), checked as the browser's parameter bar checks them: a
 * name the query does not declare, or a value of the wrong type, is refused.
 */
export function parametersFrom(query: Query, given: URLSearchParams | Record<string, unknown>): ParameterSpec[] {
  const names = findParameters(query.sql, dialectOfConnection(query.connectionId));
  const specs = specsFor(names, query.parameters ?? []);
  const values = new Map<string, string[]>();
  const add = (name: string, value: string) => {
    const key = name.toLowerCase();
    values.set(key, [...(values.get(key) ?? []), value]);
  };
  if (given instanceof URLSearchParams) {
    for (const [key, value] of given) if (key.startsWith("p.")) add(key.slice(2), value);
  } else {
    for (const [key, value] of Object.entries(given)) {
      for (const one of Array.isArray(value) ? value : [value]) {
        if (typeof one !== "string" && typeof one !== "number")
          throw new ApiProblem(400, `The value of parameter "${key}" must be text or a number.`);
        add(key, String(one));
      }
    }
  }
  for (const name of values.keys()) {
    if (!specs.some((s) => s.name.toLowerCase() === name)) {
      const declared = specs.map((s) => s.name).join(", ") || "none";
      throw new ApiProblem(
        400,
        `This query has no parameter named "${name.slice(0, 64)}". Its parameters: ${declared}.`,
      );
    }
  }
  return specs.map((spec) => {
    const value = values.get(spec.name.toLowerCase());
    if (!value) return spec;
    if (value.some((v) => v.length > MAX_VALUE_LENGTH))
      throw new ApiProblem(400, `The value of "${spec.name}" is longer than ${MAX_VALUE_LENGTH} characters.`);
    const next = { ...spec, value: spec.type === "multi" ? value : value[value.length - 1] };
    const problem = valueProblem(next);
    if (problem) throw new ApiProblem(400, `Parameter "${spec.name}": ${problem}`);
    return next;
  });
}

/** `{ "name": "value" }` or `{ "name": { "type": "date", "value": "2024-01-31" } }`; a plain value is text or a number. */
export function statementParameters(given: unknown): ParameterSpec[] {
  if (given === undefined || given === null) return [];
  if (typeof given !== "object" || Array.isArray(given))
    throw new ApiProblem(400, '"parameters" must be an object of names and values.');
  return Object.entries(given as Record<string, unknown>).map(([name, raw]) => {
    const typed =
      typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
    const value = typed ? typed.value : raw;
    const type = typed ? typed.type : typeof raw === "number" ? "number" : "text";
    if (!(PARAMETER_TYPES as readonly unknown[]).includes(type) || type === "query" || type === "choice")
      throw new ApiProblem(
        400,
        `Parameter "${name.slice(0, 64)}": type must be text, number, date, timestamp or multi.`,
      );
    const values = Array.isArray(value) ? value.map(String) : String(value ?? "");
    const spec: ParameterSpec = {
      name,
      type: type as ParameterType,
      value: values,
      // A multi-select sent by a script offers exactly the values it sends (its list binds them as text or numbers).
      ...(type === "multi" ? { choices: Array.isArray(values) ? values : [values] } : {}),
    };
    const problem = valueProblem(spec);
    if (problem) throw new ApiProblem(400, `Parameter "${name.slice(0, 64)}": ${problem}`);
    return spec;
  });
}
