import { BlockList, isIP } from "node:net";
import { lookup } from "node:dns";
import { BadUserInputError } from "../errors/gateway-error";

/** What an address is, for the rule "production delivers to public addresses only". */
export type AddressClass =
  | "public" | "loopback" | "private" | "link-local" | "shared" | "unique-local" | "multicast" | "unspecified" | "reserved";

const RANGES: ReadonlyArray<readonly [AddressClass, "ipv4" | "ipv6", string, number]> = [
  ["unspecified", "ipv4", "0.0.0.0", 8],
  ["private", "ipv4", "10.0.0.0", 8],
  // Carrier-grade NAT (RFC 6598): inside a provider's network, never a lender's public receiver.
  ["shared", "ipv4", "100.64.0.0", 10],
  ["loopback", "ipv4", "127.0.0.0", 8],
  ["link-local", "ipv4", "169.254.0.0", 16],
  ["private", "ipv4", "172.16.0.0", 12],
  ["reserved", "ipv4", "192.0.0.0", 24],
  ["reserved", "ipv4", "192.0.2.0", 24],
  ["private", "ipv4", "192.168.0.0", 16],
  ["reserved", "ipv4", "198.18.0.0", 15],
  ["reserved", "ipv4", "198.51.100.0", 24],
  ["reserved", "ipv4", "203.0.113.0", 24],
  ["multicast", "ipv4", "224.0.0.0", 4],
  ["reserved", "ipv4", "240.0.0.0", 4],
  ["unspecified", "ipv6", "::", 128],
  ["loopback", "ipv6", "::1", 128],
  // IPv4-compatible addresses (`::127.0.0.1`, `::169.254.169.254`), deprecated: on a host with
  // automatic tunnelling they reach the IPv4 address they embed. (Not all of ::/8: Node's
  // BlockList would match every IPv4 address through its mapped form ::ffff:a.b.c.d.)
  ["reserved", "ipv6", "::", 96],
  // NAT64, discard-only, IETF protocol assignments (Teredo among them), documentation, 6to4:
  // each can carry or reach an internal IPv4 address, and none is a receiver's own address.
  ["reserved", "ipv6", "64:ff9b::", 96],
  ["reserved", "ipv6", "64:ff9b:1::", 48],
  ["reserved", "ipv6", "100::", 64],
  ["reserved", "ipv6", "2001::", 23],
  ["reserved", "ipv6", "2001:db8::", 32],
  ["reserved", "ipv6", "2002::", 16],
  ["unique-local", "ipv6", "fc00::", 7],
  ["link-local", "ipv6", "fe80::", 10],
  ["private", "ipv6", "fec0::", 10],
  ["multicast", "ipv6", "ff00::", 8],
];

const LISTS = new Map<AddressClass, BlockList>();
for (const [kind, family, network, prefix] of RANGES) {
  if (!LISTS.has(kind)) LISTS.set(kind, new BlockList());
  LISTS.get(kind)!.addSubnet(network, prefix, family);
}

const IPV4_MAPPED = /^::ffff:(?:0:)?(\d+\.\d+\.\d+\.\d+)$/i;
const IPV4_MAPPED_HEX = /^::ffff:(?:0:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

/**
 * The class of an IP address (`::ffff:10.0.0.1`, an IPv4-mapped address, is classed as the IPv4
 * address it maps). Anything that is not an IP address is "reserved": never delivered to.
 */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const mapped = IPV4_MAPPED.exec(bare);
  if (mapped) return classifyAddress(mapped[1]);
  const mappedHex = IPV4_MAPPED_HEX.exec(bare);
  if (mappedHex) {
    const high = parseInt(mappedHex[1], 16);
    const low = parseInt(mappedHex[2], 16);
    return classifyAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  const family = isIP(bare);
  if (family === 0) return "reserved";
  const type = family === 4 ? "ipv4" : "ipv6";
  for (const [kind, list] of LISTS) if (list.check(bare, type)) return kind;
  return "public";
}

/** `extensions.reason` of a refused webhook URL. */
export enum WebhookUrlRefusal {
  NOT_A_URL = "NOT_A_URL",
  SCHEME_NOT_ALLOWED = "SCHEME_NOT_ALLOWED",
  CREDENTIALS_IN_URL = "CREDENTIALS_IN_URL",
  ADDRESS_NOT_PUBLIC = "ADDRESS_NOT_PUBLIC",
  HOST_NOT_FOUND = "HOST_NOT_FOUND",
}

export const MAX_WEBHOOK_URL_LENGTH = 2048;

export interface UrlPolicy {
  /** WEBHOOK_ALLOW_PRIVATE_URLS: http and non-public addresses allowed (local development). */
  allowPrivate: boolean;
}

function refuse(problem: string, reason: WebhookUrlRefusal): BadUserInputError {
  return new BadUserInputError("url", problem, reason);
}

/** The URL's host as an IP address when it is one (`[::1]` unbracketed), else null. */
export function literalAddress(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return isIP(host) === 0 ? null : host;
}

/** Form and scheme; no network. */
export function parseWebhookUrl(raw: string, policy: UrlPolicy): URL {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) throw refuse(`must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`, WebhookUrlRefusal.NOT_A_URL);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse("is not an absolute URL", WebhookUrlRefusal.NOT_A_URL);
  }
  const schemes = policy.allowPrivate ? ["https:", "http:"] : ["https:"];
  if (!schemes.includes(url.protocol)) {
    throw refuse(policy.allowPrivate ? "must be an http or https URL" : "must be an https URL", WebhookUrlRefusal.SCHEME_NOT_ALLOWED);
  }
  // A password in a URL would be stored and shown in clear; receivers authenticate by the signature.
  if (url.username !== "" || url.password !== "") throw refuse("must not carry a user name or password", WebhookUrlRefusal.CREDENTIALS_IN_URL);
  if (url.hash !== "") throw refuse("must not have a fragment", WebhookUrlRefusal.NOT_A_URL);
  return url;
}

function lookupAll(host: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    lookup(host, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses.map(entry => entry.address))));
  });
}

/**
 * At registration: the URL's form, and unless private URLs are allowed, every address its host
 * resolves to now must be public. Delivery checks again, on the address it connects to (DNS may
 * change in between).
 */
export async function checkWebhookUrl(raw: string, policy: UrlPolicy): Promise<URL> {
  const url = parseWebhookUrl(raw, policy);
  if (policy.allowPrivate) return url;
  const literal = literalAddress(url);
  let addresses: string[];
  if (literal !== null) {
    addresses = [literal];
  } else {
    try {
      addresses = await lookupAll(url.hostname);
    } catch {
      throw refuse("names a host that does not resolve", WebhookUrlRefusal.HOST_NOT_FOUND);
    }
  }
  const refused = addresses.map(classifyAddress).find(kind => kind !== "public");
  if (refused !== undefined) throw refuse(`resolves to a ${refused} address; only public addresses receive webhooks`, WebhookUrlRefusal.ADDRESS_NOT_PUBLIC);
  return url;
}
