import { startRawHandler } from "./raw-handler";
import { serveTarget } from "./serve-common";

serveTarget("raw", (url) => startRawHandler({ databaseUrl: url, poolSize: 10 }));
