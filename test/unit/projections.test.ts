import { getMetadataStorage } from "type-graphql";
import { getMetadataArgsStorage } from "typeorm";
import { describe, expect, it } from "vitest";
import { SnakeNamingStrategy } from "../../src/db/naming";
import { Actor } from "../../src/modules/actor/actor.entity";
import { Correction as CorrectionRecord } from "../../src/modules/article/article.entity";
import { Correction, RevisionInfo } from "../../src/modules/article/article.types";
import {
  ACTOR_COLUMNS,
  CORRECTION_COLUMNS,
  PLACE_COLUMNS,
  SOURCE_COLUMNS,
  TOPIC_COLUMNS,
} from "../../src/modules/article/relation.projections";
import { REVISION_INFO_COLUMNS } from "../../src/modules/article/revision.reader";
import { Place } from "../../src/modules/place/place.entity";
import { Source } from "../../src/modules/source/source.entity";
import { Topic } from "../../src/modules/topic/topic.entity";

/*
 * Canary: nested actors, sources, places, topics and corrections are built by hand-written SQL
 * projections, so a public @Field added to one of these types would otherwise be null (or
 * an error, when non-null) wherever the object is nested in an article.
 */
const projections: { name: string; map: string; type: Function; table: Function; columns: Record<string, string> }[] = [
  { name: "Actor", map: "ACTOR_COLUMNS", type: Actor, table: Actor, columns: ACTOR_COLUMNS },
  { name: "Source", map: "SOURCE_COLUMNS", type: Source, table: Source, columns: SOURCE_COLUMNS },
  { name: "Place", map: "PLACE_COLUMNS", type: Place, table: Place, columns: PLACE_COLUMNS },
  { name: "Topic", map: "TOPIC_COLUMNS", type: Topic, table: Topic, columns: TOPIC_COLUMNS },
  { name: "Correction", map: "CORRECTION_COLUMNS", type: Correction, table: CorrectionRecord, columns: CORRECTION_COLUMNS },
];

const publicFields = (type: Function): string[] =>
  getMetadataStorage()
    .fields.filter((f) => f.target === type)
    .map((f) => f.name)
    .sort();

const naming = new SnakeNamingStrategy();
const tableColumns = (table: Function): Map<string, string> =>
  new Map(
    getMetadataArgsStorage()
      .columns.filter((c) => c.target === table)
      .map((c) => [c.propertyName, naming.columnName(c.propertyName, c.options.name, [])]),
  );

describe("relation projections carry every public field (src/modules/article/relation.projections.ts)", () => {
  it.each(projections)("$name: $map lists exactly the public @Field properties", ({ name, map, type, columns }) => {
    const fields = publicFields(type);
    expect(fields.length, `no type-graphql metadata found for ${name}`).toBeGreaterThan(0);
    expect(Object.keys(columns).sort(), `${name}'s public fields and ${map} differ: add the new field to ${map}`).toEqual(fields);
  });

  it.each(projections)("$name: $map reads each field from the entity's own column", ({ map, table, columns }) => {
    const byProperty = tableColumns(table);
    for (const [field, column] of Object.entries(columns)) {
      expect(column, `${map}.${field}`).toBe(byProperty.get(field));
    }
  });

  it("RevisionInfo: REVISION_INFO_COLUMNS selects every public @Field (and articleId, a property without @Field)", () => {
    expect(publicFields(RevisionInfo).length).toBeGreaterThan(0);
    expect(Object.keys(REVISION_INFO_COLUMNS).sort()).toEqual([...publicFields(RevisionInfo), "articleId"].sort());
  });
});
