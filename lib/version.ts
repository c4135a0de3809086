import { version } from "../package.json";

/** Lakebook's version, as package.json gives it. */
export const LAKEBOOK_VERSION: string = version;
