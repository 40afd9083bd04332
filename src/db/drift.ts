import type { DataSource } from "typeorm";

export interface SchemaQuery {
  query: string;
  parameters?: unknown[];
}

/** The SQL TypeORM would run to make the database match the entities: empty means no drift. */
export async function pendingSchemaSql(ds: DataSource): Promise<{ up: SchemaQuery[]; down: SchemaQuery[] }> {
  const sql = await ds.driver.createSchemaBuilder().log();
  return { up: sql.upQueries, down: [...sql.downQueries].reverse() };
}
