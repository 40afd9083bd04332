import type { DataSource } from "typeorm";

/**
 * Revert the latest applied migration, in a transaction unless the migration says
 * `transaction = false`. TypeORM 1.1's undoLastMigration({ transaction: "each" }) ignores that flag
 * (typeorm#9981; runMigrations honours it), so SearchVectorInline's VACUUM FULL failed inside the
 * transaction it opened. Returns the reverted migration's name, or null when none is applied.
 */
export async function revertLastMigration(ds: DataSource): Promise<string | null> {
  const table = ds.options.migrationsTableName ?? "migrations";
  // The one undoLastMigration reverts: the last applied (highest id), whatever its timestamp.
  const rows = await ds.query<{ name: string }[]>(`SELECT name FROM "${table}" ORDER BY id DESC LIMIT 1`);
  const name = rows[0]?.name;
  if (!name) return null;
  const migration = ds.migrations.find((m) => (m.name ?? m.constructor.name) === name);
  if (!migration) throw new Error(`migration ${name} is applied but not in the code: cannot revert it`);
  await ds.undoLastMigration({ transaction: migration.transaction === false ? "none" : "each" });
  return name;
}
