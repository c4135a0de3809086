import "server-only";
import { createRequire } from "node:module";
import type * as ArrowModule from "../../node_modules/apache-arrow/Arrow.node";

/**
 * apache-arrow 13 (installed for @databricks/sql) publishes its types only for
 * the "node" export condition, which `moduleResolution: bundler` does not read;
 * the module is required at run time, outside the bundle, and typed from its
 * Node declarations.
 */
export const Arrow: typeof ArrowModule = createRequire(`${process.cwd()}/package.json`)("apache-arrow");
export type { ArrowModule };
