import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Thrown when a callback URL points somewhere the service must not call. */
export class SsrfBlockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Ranges no callback may reach: this host, private networks, link-local (cloud metadata at
 * 169.254.169.254), carrier-grade NAT, documentation, multicast, reserved, and their IPv6
 * counterparts (ULA, link-local, NAT64 which can wrap any IPv4).
 */
const BLOCKED = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(net, bits, 'ipv6');
}

/** `::ffff:127.0.0.1` → `127.0.0.1`, so a mapped address cannot slip past the IPv4 rules. */
function unmap(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

/** Whether `ip` lies in a range callbacks must not reach. Non-IPs count as blocked. */
export function isBlockedAddress(ip: string): boolean {
  const address = unmap(ip);
  const family = isIP(address);
  if (family === 0) {
    return true;
  }
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

type Resolver = (hostname: string) => Promise<string[]>;

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (err, addresses: LookupAddress[]) =>
      err ? reject(err) : resolve(addresses.map((a) => a.address)),
    ),
  );

/**
 * The SSRF rules of callback URLs (OWASP SSRF cheat sheet): https only, every resolved address
 * public, unless the host or address is on `CALLBACK_ALLOWLIST` (then http is allowed too).
 * {@link SsrfGuard.lookup} is an agent `lookup` that applies the same rule at connect time, so
 * the connection goes to the address that was checked (no DNS rebinding between check and use).
 */
export class SsrfGuard {
  private readonly hosts = new Set<string>();
  private readonly allowed = new BlockList();

  /** @param allowlist - hosts, IPs or CIDRs (`CALLBACK_ALLOWLIST`) */
  constructor(
    allowlist: readonly string[],
    private readonly resolve: Resolver = systemResolver,
  ) {
    for (const entry of allowlist) {
      const [address = '', bits] = entry.split('/');
      const family = isIP(address);
      if (family === 0) {
        this.hosts.add(entry.toLowerCase());
      } else {
        const type = family === 4 ? 'ipv4' : 'ipv6';
        this.allowed.addSubnet(
          address,
          bits === undefined ? (family === 4 ? 32 : 128) : Number(bits),
          type,
        );
      }
    }
  }

  private addressAllowed(ip: string): boolean {
    const address = unmap(ip);
    const family = isIP(address);
    if (family !== 0 && this.allowed.check(address, family === 4 ? 'ipv4' : 'ipv6')) {
      return true;
    }
    return !isBlockedAddress(address);
  }

  private hostAllowlisted(hostname: string): boolean {
    const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
    if (this.hosts.has(host)) {
      return true;
    }
    const family = isIP(host);
    return (
      family !== 0 && this.allowed.check(unmap(host), isIP(unmap(host)) === 4 ? 'ipv4' : 'ipv6')
    );
  }

  /**
   * Checks a callback URL, resolving its host.
   * @throws SsrfBlockedError naming the rule it breaks
   */
  async checkUrl(raw: string): Promise<URL> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new SsrfBlockedError('is not a valid URL');
    }
    const listed = this.hostAllowlisted(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && listed)) {
      throw new SsrfBlockedError('must be https (http only for hosts on CALLBACK_ALLOWLIST)');
    }
    if (url.username || url.password) {
      throw new SsrfBlockedError('must not carry credentials');
    }
    if (listed && this.hosts.has(url.hostname.toLowerCase())) {
      return url;
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host) !== 0 ? [host] : await this.resolveOrBlock(host);
    const bad = addresses.find((ip) => !this.addressAllowed(ip));
    if (bad !== undefined) {
      throw new SsrfBlockedError(
        'resolves to a loopback, private, link-local or reserved address (not allowed unless on CALLBACK_ALLOWLIST)',
      );
    }
    return url;
  }

  private async resolveOrBlock(host: string): Promise<string[]> {
    try {
      return await this.resolve(host);
    } catch {
      throw new SsrfBlockedError('host does not resolve');
    }
  }

  /** An `http.Agent` lookup that refuses blocked addresses (pins the connection to checked IPs). */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    const listedHost = this.hosts.has(hostname.toLowerCase());
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) {
        callback(err, '', 4);
        return;
      }
      const ok = addresses.filter((a) => listedHost || this.addressAllowed(a.address));
      if (ok.length === 0 || ok.length !== addresses.length) {
        callback(new SsrfBlockedError('callback host resolves to a blocked address'), '', 4);
        return;
      }
      if (options.all) {
        (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, ok);
        return;
      }
      callback(null, ok[0]!.address, ok[0]!.family);
    });
  };
}
