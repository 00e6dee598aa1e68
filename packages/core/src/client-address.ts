/**
 * The client address of a request, for per-address rate limits (docs/decisions.md, "Throttling and secrets").
 *
 * By default it is the socket peer: a header can be written by anyone, so it is read only when
 * `trustProxy` says which hops are proxies you run. The forwarded chain is read right to left (the
 * rightmost entry was written by the proxy nearest to us); the client is the first address that is
 * not a trusted proxy. Addresses are normalised (port and zone dropped, IPv4-mapped IPv6 as IPv4,
 * IPv6 in its compressed lower-case form) so one client always gets the same key.
 */

/** Which hops are proxies: `true` every hop, a number of hops, or addresses, CIDR ranges and the names `loopback`, `linklocal`, `uniquelocal`. */
export type TrustedProxies = boolean | number | string | readonly string[];

/**
 * The `trustProxy` handler option. Off by default. The bare forms read `X-Forwarded-For`; the object
 * form may read the standard `Forwarded` header instead (only the one your proxy writes: a client can
 * send the other one too).
 */
export type TrustProxy = TrustedProxies | { proxies: TrustedProxies; header?: 'x-forwarded-for' | 'forwarded' };

/** The parts of a request the resolver reads. */
export interface ClientAddressSource {
  header(name: string): string | undefined;
  remoteAddress?: string | undefined;
}

/** The key used when the adapter knows no peer address. */
export const unknownAddress = 'unknown';

const presets: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

interface Range {
  bytes: Uint8Array;
  prefix: number;
}

/**
 * Builds the function that names a request's client address.
 *
 * @example
 * ```ts
 * const clientAddress = createClientAddressResolver(['10.0.0.0/8']); // behind a load balancer in 10/8
 * clientAddress({ remoteAddress: '10.0.0.5', header: (n) => (n === 'x-forwarded-for' ? '203.0.113.7' : undefined) }); // '203.0.113.7'
 * ```
 */
export function createClientAddressResolver(trustProxy: TrustProxy = false): (request: ClientAddressSource) => string {
  const settings = isSettings(trustProxy) ? trustProxy : { proxies: trustProxy };
  const proxies = settings.proxies;
  const header = settings.header ?? 'x-forwarded-for';
  const socketOnly = (request: ClientAddressSource) => normaliseAddress(request.remoteAddress) ?? unknownAddress;
  if (proxies === false || proxies === 0) return socketOnly;
  if (typeof proxies === 'number' && (!Number.isInteger(proxies) || proxies < 0)) throw new RangeError('trustProxy as a number is a count of proxy hops: an integer of at least 0');
  const read = header === 'forwarded' ? forwardedFor : (value: string) => value.split(',');
  const ranges = typeof proxies === 'string' ? parseRanges(proxies.split(',')) : typeof proxies === 'object' ? parseRanges(proxies) : [];

  return (request) => {
    const value = request.header(header);
    const forwarded = value ? read(value).map((entry) => entry.trim()).filter((entry) => entry !== '') : [];
    // Nearest first: the socket peer, then the forwarded entries from right to left.
    const chain = [request.remoteAddress ?? '', ...forwarded.reverse()];
    let index: number;
    if (proxies === true) index = chain.length - 1;
    else if (typeof proxies === 'number') index = Math.min(proxies, chain.length - 1);
    else {
      index = 0;
      while (index < chain.length - 1 && isTrusted(chain[index] as string, ranges)) index++;
    }
    const chosen = chain[index] as string;
    return normaliseAddress(chosen) ?? (index === 0 ? unknownAddress : opaque(chosen));
  };
}

function isSettings(value: TrustProxy): value is { proxies: TrustedProxies; header?: 'x-forwarded-for' | 'forwarded' } {
  return typeof value === 'object' && 'proxies' in value;
}

/** The `for=` values of a `Forwarded` header (RFC 7239), in order. */
function forwardedFor(value: string): string[] {
  const out: string[] = [];
  for (const element of value.split(',')) {
    for (const pair of element.split(';')) {
      const eq = pair.indexOf('=');
      if (eq < 0 || pair.slice(0, eq).trim().toLowerCase() !== 'for') continue;
      out.push(pair.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
    }
  }
  return out;
}

/** A forwarded entry that is no address (`unknown`, an obfuscated name): a bounded, distinct key. */
function opaque(entry: string): string {
  return `opaque:${entry.toLowerCase().slice(0, 64)}`;
}

function isTrusted(entry: string, ranges: Range[]): boolean {
  const bytes = parseAddress(entry);
  return bytes !== undefined && ranges.some((range) => inRange(bytes, range));
}

function parseRanges(entries: readonly string[]): Range[] {
  const out: Range[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    const preset = presets[entry.toLowerCase()];
    if (preset) {
      out.push(...parseRanges(preset));
      continue;
    }
    const [address = '', prefixText] = entry.split('/');
    const bytes = parseIp(address);
    const prefix = prefixText === undefined ? (bytes?.length ?? 0) * 8 : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : -1;
    if (!bytes || prefix < 0 || prefix > bytes.length * 8) throw new RangeError(`trustProxy: "${entry}" is not an address, a CIDR range or one of loopback, linklocal, uniquelocal`);
    out.push({ bytes, prefix });
  }
  return out;
}

function inRange(bytes: Uint8Array, range: Range): boolean {
  if (bytes.length !== range.bytes.length) return false;
  for (let bit = 0; bit < range.prefix; bit += 8) {
    const bits = Math.min(8, range.prefix - bit);
    const mask = (0xff << (8 - bits)) & 0xff;
    if (((bytes[bit / 8] as number) & mask) !== ((range.bytes[bit / 8] as number) & mask)) return false;
  }
  return true;
}

/** The bytes of an address as it appears in a socket or a header (port, brackets and zone allowed). */
function parseAddress(entry: string): Uint8Array | undefined {
  let text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1] as string;
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.indexOf(':'));
  return parseIp(text.replace(/%.*$/, ''));
}

/** An address in its one canonical text form, or undefined when `entry` is none. */
export function normaliseAddress(entry: string | undefined): string | undefined {
  const bytes = entry === undefined ? undefined : parseAddress(entry);
  if (!bytes) return undefined;
  if (bytes.length === 4) return bytes.join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  // Compress the longest run of two or more zero groups (RFC 5952).
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`;
}

/** IPv4 (4 bytes) or IPv6 (16 bytes; IPv4-mapped addresses come back as their 4 IPv4 bytes). */
function parseIp(text: string): Uint8Array | undefined {
  const v4 = parseIpv4(text);
  if (v4) return v4;
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.length > 45) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const side = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes('.')) {
        const tail = parseIpv4(piece);
        if (!tail) return undefined;
        out.push(((tail[0] as number) << 8) | (tail[1] as number), ((tail[2] as number) << 8) | (tail[3] as number));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) out.push(parseInt(piece, 16));
      else return undefined;
    }
    return out;
  };
  const head = side(halves[0] as string);
  const tail = halves.length === 2 ? side(halves[1] as string) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return Uint8Array.from(parts.map(Number));
}
