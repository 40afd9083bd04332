import type http from "node:http";
import net from "node:net";

/**
 * The HTTP side of a graceful shutdown, in the order load balancers and keep-alive clients need.
 * `begin()`: /readyz answers 503, every response from now on carries `Connection: close` (clients
 * move off this instance after their current request), and the listener closes, so new
 * connections are refused (ECONNREFUSED: nothing was sent, so a proxy or client may retry
 * elsewhere, even a mutation). `settle()`: connections already open may still deliver the request
 * that was on its way, and get an answer, until they close or the linger ends; only then does
 * Apollo's drain end the idle ones and wait for the rest. http.Server.close() would end idle
 * keep-alive sockets at once, resetting a request that raced the signal without an answer.
 */
export class HttpDrain {
  draining = false;
  /** Responses not finished yet: those under way when the drain begins must close their connection too. */
  private readonly open = new Set<http.ServerResponse>();

  constructor(private readonly server: http.Server) {
    // Before Express: the header must be set before any handler starts its response.
    server.prependListener("request", (_req: http.IncomingMessage, res: http.ServerResponse) => {
      if (this.draining) return void res.setHeader("connection", "close");
      this.open.add(res);
      res.once("close", () => this.open.delete(res));
    });
  }

  /** Stop accepting connections; the open ones are left to finish. */
  begin(): void {
    if (this.draining) return;
    this.draining = true;
    // A keep-alive client would otherwise send its next request on a socket that the drain ends right after this answer.
    for (const res of this.open) if (!res.headersSent) res.setHeader("connection", "close");
    // net.Server's close, not http.Server's: the latter also closes idle keep-alive connections.
    if (this.server.listening) net.Server.prototype.close.call(this.server);
  }

  /** Wait until no connection is open, or lingerMs have passed. */
  async settle(lingerMs: number): Promise<void> {
    const deadline = Date.now() + lingerMs;
    while (Date.now() < deadline && (await this.openConnections()) > 0) await new Promise((r) => setTimeout(r, 20));
  }

  private openConnections(): Promise<number> {
    return new Promise((resolve) => this.server.getConnections((err, n) => resolve(err ? 0 : n)));
  }
}
