import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net, { type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Outbound HTTP to URLs that callers chose (webhook receivers), guarded against SSRF: only
 * public unicast addresses are reached. The address is checked when the URL is registered and
 * again on every connection, inside the socket's own DNS lookup, so a name that resolves to a
 * public address at registration and to 127.0.0.1 later (DNS rebinding) is still refused.
 * Redirects are never followed: a 3xx is a failed delivery.
 */

export interface OutboundPolicy {
  /** WEBHOOK_ALLOW_PRIVATE: loopback, private and link-local receivers are allowed (development and tests only). */
  allowPrivate: boolean;
  /** Ports refused on any host (the database's), besides the privileged ones; see `portProblem`. */
  refusedPorts: readonly number[];
}

/** A connection the policy refused; no request was sent. */
export class AddressNotAllowedError extends Error {
  readonly code = "ERR_ADDRESS_NOT_ALLOWED";
  constructor(readonly reason: string) {
    super(`address not allowed: ${reason}`);
    this.name = "AddressNotAllowedError";
  }
}

const RANGE_WORDS: Record<string, string> = {
  loopback: "a loopback address",
  private: "a private network address",
  linkLocal: "a link-local address (this includes cloud metadata services)",
  uniqueLocal: "a private network address (IPv6 unique local)",
  carrierGradeNat: "a carrier-grade NAT address",
  unspecified: "the unspecified address",
  multicast: "a multicast address",
  broadcast: "the broadcast address",
  ipv4Mapped: "an IPv4-mapped address",
  rfc6145: "an IPv4-translated address",
  rfc6052: "a NAT64 address",
  "6to4": "a 6to4 address",
  teredo: "a Teredo address",
};

// IANA's global unicast block; ipaddr.js calls anything it has no name for "unicast", including
// the deprecated IPv4-compatible ::a.b.c.d (so ::127.0.0.1 would pass without this).
const IPV6_GLOBAL_UNICAST = ipaddr.parseCIDR("2000::/3");

/** Why an IP address may not be reached, in plain words; null when it is a public unicast address. */
export function addressProblem(address: string): string | null {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // process() turns IPv4-mapped IPv6 (::ffff:127.0.0.1) into the IPv4 address it carries.
    ip = ipaddr.process(address.replace(/^\[|\]$/g, ""));
  } catch {
    return "not an IP address";
  }
  const range = ip.range();
  if (range !== "unicast") return RANGE_WORDS[range] ?? "a reserved address";
  if (ip.kind() === "ipv6" && !ip.match(IPV6_GLOBAL_UNICAST)) return "a reserved address";
  return null;
}

/**
 * Ports a webhook may not use: privileged ports other than 80 and 443 (SMTP, SSH, … where a
 * POST body could be smuggled into another protocol) and the configured ones (the database's).
 * The server's own port is not refused: with internal addresses refused, only its public
 * address is left, which any client may call anyway.
 */
export function portProblem(url: URL, policy: OutboundPolicy): string | null {
  if (policy.allowPrivate) return null;
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  if (port < 1024 && port !== 80 && port !== 443)
    return `port ${port} is reserved for other services; use 80, 443 or a port from 1024`;
  if (policy.refusedPorts.includes(port)) return `port ${port} is not allowed for webhooks; use another port`;
  return null;
}

/** Host names that always mean this machine, whatever DNS says. */
function isLocalName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  return h === "localhost" || h.endsWith(".localhost") || h === "localhost.localdomain";
}

/** The host without IPv6 brackets, as sockets and ipaddr.js want it. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "");
}

/**
 * What can be said from the URL alone: a literal IP address or a local name. WHATWG URL has
 * already turned decimal, octal, hex and short IPv4 forms (2130706433, 0177.0.0.1, 127.1) into
 * dotted quads, so they are checked here as the addresses they are.
 */
export function hostProblem(url: URL, policy: OutboundPolicy): string | null {
  if (policy.allowPrivate) return null;
  const host = bareHost(url);
  if (net.isIP(host)) {
    const problem = addressProblem(host);
    return problem && `the host is ${problem}`;
  }
  if (isLocalName(host)) return "the host is this machine (localhost)";
  return null;
}

type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;
const systemResolve: Resolve = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

/**
 * Registration-time check of a URL (scheme aside). A name that does not resolve now is let
 * through: the connection-time lookup checks it on every attempt, so nothing is lost.
 */
export async function urlProblem(url: URL, policy: OutboundPolicy, resolve: Resolve = systemResolve): Promise<string | null> {
  const direct = hostProblem(url, policy) ?? portProblem(url, policy);
  if (direct || policy.allowPrivate || net.isIP(bareHost(url))) return direct;
  let addresses: { address: string }[];
  try {
    addresses = await Promise.race([
      resolve(bareHost(url)),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), 2000).unref()),
    ]);
  } catch {
    return null;
  }
  // The addresses are not named: the caller learns only that the name leads somewhere internal.
  if (addresses.some((a) => addressProblem(a.address)))
    return "the host name resolves to an address that is not public (loopback, private, link-local or reserved)";
  return null;
}

/**
 * A `lookup` for sockets that refuses the whole name when any address it resolves to is not
 * public, so the connection can never land on an internal address whatever DNS answers.
 */
export function guardedLookup(policy: OutboundPolicy, resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    const done = callback as (err: Error | null, address?: string | dns.LookupAddress[], family?: number) => void;
    const refuse = (reason: string) => done(new AddressNotAllowedError(reason));
    if (!policy.allowPrivate && isLocalName(hostname)) return refuse("the host is this machine (localhost)");
    resolve(hostname).then(
      (all) => {
        const wanted = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
        if (wanted.length === 0) {
          done(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }));
          return;
        }
        if (!policy.allowPrivate) {
          const bad = wanted.map((a) => addressProblem(a.address)).find((p) => p !== null);
          if (bad) return refuse(`the host name resolves to ${bad}`);
        }
        if (options.all) done(null, wanted);
        else done(null, wanted[0]!.address, wanted[0]!.family);
      },
      (err: Error) => done(err),
    );
  };
}

/** What a partner may read about a failed delivery: a small vocabulary, never socket detail. */
export function coarseError(err: unknown): string {
  if (err instanceof AddressNotAllowedError) return "address not allowed";
  const raw = (err as { code?: unknown } | null)?.code;
  const code = typeof raw === "string" ? raw : "";
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ETIMEDOUT" || code === "ERR_OUTBOUND_TIMEOUT" || (err as Error | null)?.name === "TimeoutError")
    return "timed out";
  if (["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_NODATA", "EAI_FAIL"].includes(code)) return "host not found";
  if (["ECONNRESET", "EPIPE", "ECONNABORTED"].includes(code)) return "connection reset";
  if (["EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "EHOSTDOWN", "ENETDOWN"].includes(code)) return "host unreachable";
  if (/^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|EPROTO$)/.test(code)) return "TLS error";
  if (code.startsWith("HPE_")) return "invalid HTTP response";
  return "request failed";
}

/** The coarse error for a receiver's non-2xx answer (the exact status is recorded separately). */
export function statusError(status: number): string {
  const cls = `HTTP ${Math.floor(status / 100)}xx`;
  return status >= 300 && status < 400 ? `${cls} (redirects are not followed)` : cls;
}

export interface OutboundRequest {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** POSTs through agents whose every connection is checked against the policy. */
export class OutboundClient {
  private readonly http: http.Agent;
  private readonly https: https.Agent;

  constructor(
    private readonly policy: OutboundPolicy,
    resolve: Resolve = systemResolve,
  ) {
    const lookup = guardedLookup(policy, resolve);
    this.http = new http.Agent({ keepAlive: true, lookup });
    this.https = new https.Agent({ keepAlive: true, lookup });
  }

  /** Resolves with the status code; rejects before any byte is sent when the address is refused. */
  post(target: string, req: OutboundRequest): Promise<number> {
    const url = new URL(target);
    // Sockets skip `lookup` for a literal IP, so literals are checked here, on every attempt.
    const problem = hostProblem(url, this.policy) ?? portProblem(url, this.policy);
    if (problem) return Promise.reject(new AddressNotAllowedError(problem));
    const secure = url.protocol === "https:";
    return new Promise<number>((resolve, reject) => {
      const request = (secure ? https : http).request(
        {
          protocol: url.protocol,
          hostname: bareHost(url),
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method: "POST",
          agent: secure ? this.https : this.http,
          headers: { ...req.headers, "content-length": String(Buffer.byteLength(req.body)) },
        },
        (res) => {
          // The answer's body is of no use: drain it, still under the deadline, so a receiver that
          // never stops sending does not hold the socket.
          res.on("close", () => clearTimeout(timer));
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      const timer = setTimeout(
        () => request.destroy(Object.assign(new Error("outbound request timed out"), { code: "ERR_OUTBOUND_TIMEOUT" })),
        req.timeoutMs,
      );
      request.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      request.end(req.body);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
