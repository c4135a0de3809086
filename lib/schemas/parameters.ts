import {
  isParameterName,
  MAX_CHOICES,
  MAX_NAME_LENGTH,
  MAX_PARAMETERS,
  MAX_VALUE_LENGTH,
  PARAMETER_TYPES,
} from "@/lib/sql/parameters";
import { z } from "@/lib/zod";

/**
 * Parameter widgets as the browser sends them (with a run, a draft, a save):
 * bounded in count and size only. Whether a value fits its type is checked
 * where it is used (lib/sql/parameters.ts `valueProblem`), with a message
 * that names the parameter.
 */
const value = z.string().max(MAX_VALUE_LENGTH, "A parameter's value is too long.");

export const parameterSpec = z.object({
  name: z
    .string()
    .max(MAX_NAME_LENGTH)
    .refine(isParameterName, "A parameter's name is a :name or :`quoted name` marker's, in lower case."),
  type: z.enum(PARAMETER_TYPES as [string, ...string[]]).transform((t) => t as (typeof PARAMETER_TYPES)[number]),
  value: z.union([value, z.array(value).max(MAX_CHOICES)]),
  choices: z.array(z.string().max(1000)).max(MAX_CHOICES).optional(),
  queryId: z.string().max(64).optional(),
});

export const parameterSpecs = z
  .array(parameterSpec)
  .max(MAX_PARAMETERS, `At most ${MAX_PARAMETERS} parameters.`)
  .refine((specs) => new Set(specs.map((s) => s.name)).size === specs.length, "Each parameter once.");
