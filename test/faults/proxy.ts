import http from "node:http";
import net from "node:net";

/**
 * A round-robin load balancer on loopback for the scale-out scenario, in the role nginx plays
 * in docs/deployment.md (nginx is not on this machine; a proxy of our own keeps the scenario to
 * one `npm` command). HTTP with keep-alive to each upstream, WebSocket upgrades piped through,
 * and nginx's `proxy_next_upstream error`: a request whose connection was refused goes to the
 * next upstream (it never reached the first); one cut after it was sent gets a 502.
 */
export interface Balancer {
  port: number;
  /** How many requests each upstream port answered. */
  served: Map<number, number>;
  close(): Promise<void>;
}

export async function startBalancer(upstreams: number[]): Promise<Balancer> {
  let next = 0;
  const served = new Map<number, number>(upstreams.map((p) => [p, 0]));
  const agents = new Map(upstreams.map((p) => [p, new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 })]));
  const pick = () => upstreams[next++ % upstreams.length]!;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const attempt = (tries: number) => {
        const port = pick();
        const up = http.request(
          {
            host: "127.0.0.1",
            port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, "x-forwarded-for": "127.0.0.1" },
            agent: agents.get(port),
          },
          (r) => {
            served.set(port, (served.get(port) ?? 0) + 1);
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
            r.on("error", () => res.destroy());
          },
        );
        up.on("error", (err: NodeJS.ErrnoException) => {
          if (err.code === "ECONNREFUSED" && tries < upstreams.length) return attempt(tries + 1);
          if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" }).end("bad gateway");
          else res.destroy();
        });
        up.end(body);
      };
      attempt(1);
    });
  });

  server.on("upgrade", (req, socket, head) => {
    const port = pick();
    const up = net.connect(port, "127.0.0.1", () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on("error", () => socket.destroy());
    socket.on("error", () => up.destroy());
  });

  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    served,
    async close() {
      for (const a of agents.values()) a.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
