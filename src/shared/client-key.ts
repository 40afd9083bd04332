import ipaddr from "ipaddr.js";

/**
 * Whom a per-client limit counts: an IPv4 address, or an IPv6 /64, since one client (a home
 * line, a cloud VM) holds a whole /64 and could otherwise take a fresh budget per address.
 * Every per-address limit uses this one rule: audit rows, sign-in throttling, WebSocket connections.
 */
export function clientKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const ip = ipaddr.parse(address);
  if (ip.kind() === "ipv4") return ip.toString();
  const v6 = ip as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  return `${v6.parts
    .slice(0, 4)
    .map((p) => p.toString(16))
    .join(":")}::/64`;
}
