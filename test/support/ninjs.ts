import fs from "node:fs";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

/**
 * The official IPTC ninjs 3.1 schema (a byte-identical copy in test/fixtures), Draft 2020-12,
 * with format checking (date-time, uri).
 */
export function ninjsValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // places[].geoJSON refers to https://geojson.org/schema/GeoJSON.json: the official GeoJSON
  // schema, from its npm package. It declares draft-07, but uses only keywords that mean the
  // same in 2020-12 (type, enum, required, properties, items as a schema, minItems, oneOf).
  const geojson = JSON.parse(fs.readFileSync("node_modules/geojson-schema/GeoJSON.json", "utf8")) as Record<string, unknown>;
  delete geojson.$schema;
  ajv.addSchema(geojson);
  const schema = JSON.parse(fs.readFileSync("test/fixtures/ninjs-schema_3.1.json", "utf8")) as Record<string, unknown>;
  return ajv.compile(schema);
}
