import "reflect-metadata";
import { parseArgs } from "node:util";
import { loadConfig } from "../config";
import { openDatabase } from "../db/database";
import { AuthService, MIN_PASSWORD_LENGTH } from "../modules/user";
import { Role } from "../shared/enums";
import { createLogger } from "../shared/logger";

const USAGE = `usage: npm run user:create -- --email someone@example.org --role WRITER|EDITOR|ADMIN [--name "Display Name"]
The password is read from NEWSGRAPH_PASSWORD, or from standard input (at least ${MIN_PASSWORD_LENGTH} characters).`;

async function readPassword(): Promise<string> {
  if (process.env.NEWSGRAPH_PASSWORD) return process.env.NEWSGRAPH_PASSWORD;
  if (process.stdin.isTTY) process.stderr.write("password: ");
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { email: { type: "string" }, role: { type: "string" }, name: { type: "string" } },
  });
  if (!values.email || !values.role || !Object.values(Role).includes(values.role as Role)) {
    console.error(USAGE);
    process.exit(2);
  }
  const password = await readPassword();
  const config = loadConfig();
  const log = createLogger("warn");
  const db = await openDatabase(config, log, { runMigrations: true, cli: "npm run user:create" });
  try {
    const user = await new AuthService(db.dataSource, config.sessionTtlHours).createUser({
      email: values.email,
      password,
      role: values.role as Role,
      displayName: values.name,
    });
    console.log(`created ${user.role} ${user.email} (${user.id})`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
