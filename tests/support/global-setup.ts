import { buildTemplates } from "./templates";

export default async function setup() {
  return buildTemplates();
}
