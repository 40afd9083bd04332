const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else is answered as "not found" before it reaches SQL. */
export const isUuid = (s: unknown): s is string => typeof s === "string" && UUID.test(s);
