// Lives in src/shared so that the bench, which must not import from test/, shares it.
export { freePort } from "../../src/shared/free-port";
