import "reflect-metadata";
import { loadConfig } from "../config";
import { openDatabase } from "../db/database";
import { AuthService, MIN_PASSWORD_LENGTH } from "../modules/user";
import { Role } from "../shared/enums";
import { exitOnError, parseCli, usageError } from "../shared/cli-args";
import { createLogger, logFormatFor } from "../shared/logger";

const CLI = {
  command: "npm run user:create",
  usage: `Usage: npm run user:create -- --email someone@example.org --role WRITER|EDITOR|ADMIN [--name "Display Name"]

Creates an editorial account in the configured database (beside a running npm start, in its
embedded database). The password is read from NEWSGRAPH_PASSWORD, or from standard input
(at least ${MIN_PASSWORD_LENGTH} characters); it is stored as an argon2id hash.

Options:
  --email   the account's sign-in address (required)
  --role    WRITER, EDITOR or ADMIN (required)
  --name    display name (default: the email's local part)
  -h, --help  this text`,
  options: { email: { type: "string" }, role: { type: "string" }, name: { type: "string" } },
} as const;

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
  const { values } = parseCli(CLI);
  if (!values.email) usageError(CLI, "--email is required");
  if (!values.role) usageError(CLI, "--role is required (WRITER, EDITOR or ADMIN)");
  if (!Object.values(Role).includes(values.role as Role))
    usageError(CLI, `--role ${JSON.stringify(values.role)} is not one of WRITER, EDITOR, ADMIN`);
  const password = await readPassword();
  const config = loadConfig();
  const log = createLogger("warn", undefined, logFormatFor(config));
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

main().catch(exitOnError);
