/**
 * The Thrift test warehouse in a process of its own, for the Databricks bench:
 * a real warehouse is another machine, so its work must not share the app's
 * event loop, heap or peak RSS. Options come as JSON in argv[2]; the first
 * line out is `{ port, path, token }`. Then each line in is a command:
 * `stats` answers one line of the warehouse's stats. End of input closes it.
 */
import readline from "node:readline";
import { startTestWarehouse } from "../tests/support/databricks-warehouse";

const warehouse = await startTestWarehouse(JSON.parse(process.argv[2] ?? "{}"));
process.stdout.write(`${JSON.stringify({ port: warehouse.port, path: warehouse.path, token: warehouse.token })}\n`);
const commands = readline.createInterface({ input: process.stdin });
commands.on("line", (line) => {
  if (line.trim() === "stats") process.stdout.write(`${JSON.stringify(warehouse.stats())}\n`);
});
commands.on("close", async () => {
  await warehouse.close();
  process.exit(0);
});
