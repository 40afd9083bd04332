import fs from "node:fs";
import http from "node:http";

/*
 * The fourth target: a bare node:http server answering each request path with a fixed buffer,
 * the bytes Newsgraph answered for that request (captured by bench/run.ts), with the same
 * content type. No database, no routing beyond one Map lookup: what Node can do at all for
 * answers of that size, the ceiling a cache hit is measured against. Started by bench/run.ts
 * from compiled JavaScript: BENCH_FIXED_ANSWERS (a JSON file of { path: body }) and PORT in
 * the environment, ready when GET /readyz answers, stopped with SIGTERM.
 */
const file = process.env.BENCH_FIXED_ANSWERS;
const port = Number(process.env.PORT);
if (!file || !Number.isInteger(port)) {
  console.error("serve-fixed is started by bench/run.ts (it needs BENCH_FIXED_ANSWERS and PORT)");
  process.exit(2);
}

const answers = new Map<string, Buffer>(
  Object.entries(JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v)]),
);
const headers = (n: number) => ({ "content-type": "application/json; charset=utf-8", "content-length": n });

const server = http.createServer((req, res) => {
  const body = answers.get(req.url ?? "");
  if (body) res.writeHead(200, headers(body.length)).end(body);
  else if (req.url === "/readyz") res.writeHead(200).end("ok");
  else res.writeHead(404).end();
});
server.listen(port, "127.0.0.1");
// Exit explicitly (this also writes a --cpu-prof profile); kept-alive connections must not hold it.
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => undefined);
