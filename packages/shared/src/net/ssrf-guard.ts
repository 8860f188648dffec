import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { entryApplies, parseAllowlistEntry, type AllowlistEntry } from './callback-allowlist';
import { embeddedIPv4 } from './embedded-ipv4';

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
 * counterparts (ULA, link-local). IPv6 forms that embed an IPv4 address (mapped, translated,
 * compatible, NAT64, 6to4, Teredo) are judged by the IPv4 rules ({@link embeddedIPv4}).
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
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(net, bits, 'ipv6');
}

const familyOf = (ip: string): 'ipv4' | 'ipv6' => (isIP(ip) === 4 ? 'ipv4' : 'ipv6');

/**
 * Whether `ip` lies in a range callbacks must not reach. Non-IPs count as blocked; an IPv6
 * address that embeds IPv4 addresses is blocked when any of them is.
 */
export function isBlockedAddress(ip: string): boolean {
  return !addressPasses(ip, () => false);
}

/** The rule for one address, where `listed` says whether an allow-list entry covers an address. */
function addressPasses(ip: string, listed: (address: string) => boolean): boolean {
  if (isIP(ip) === 0) {
    return false;
  }
  if (listed(ip)) {
    return true;
  }
  if (isIP(ip) === 4) {
    return !BLOCKED.check(ip, 'ipv4');
  }
  const embedded = embeddedIPv4(ip);
  if (embedded.length > 0) {
    return embedded.every((v4) => listed(v4) || !BLOCKED.check(v4, 'ipv4'));
  }
  return !BLOCKED.check(ip, 'ipv6');
}

type Resolver = (hostname: string) => Promise<string[]>;

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (err, addresses: LookupAddress[]) =>
      err ? reject(err) : resolve(addresses.map((a) => a.address)),
    ),
  );

/** The port a URL connects to. */
function portOf(url: URL): number {
  if (url.port !== '') {
    return Number(url.port);
  }
  return url.protocol === 'http:' ? 80 : 443;
}

/** The allow-list entries that apply to one request: its caller and port. */
class Applicable {
  private readonly hosts = new Set<string>();
  private readonly nets = new BlockList();

  constructor(entries: readonly AllowlistEntry[]) {
    for (const entry of entries) {
      if (entry.host !== undefined) {
        this.hosts.add(entry.host);
      } else if (entry.net) {
        this.nets.addSubnet(entry.net.address, entry.net.bits, entry.net.family);
      }
    }
  }

  hasHost(hostname: string): boolean {
    return this.hosts.has(hostname.toLowerCase());
  }

  covers = (ip: string): boolean => isIP(ip) !== 0 && this.nets.check(ip, familyOf(ip));

  addressAllowed(ip: string): boolean {
    return addressPasses(ip, this.covers);
  }

  hostListed(hostname: string): boolean {
    const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
    return this.hasHost(host) || this.covers(host);
  }
}

/** Who calls and where: what the allow-list rules depend on besides the address. */
export interface CallbackTarget {
  caller?: string;
  port: number;
}

/**
 * The SSRF rules of callback URLs (OWASP SSRF cheat sheet): https only, every resolved address
 * public, unless an entry of `CALLBACK_ALLOWLIST` that applies to the caller and port lists the
 * host or address (then http is allowed too). An entry without a port never opens a protected
 * port (the service's own API and ops ports). {@link SsrfGuard.lookupFor} is an agent `lookup`
 * that applies the same rules at connect time, so the connection goes to the address that was
 * checked (no DNS rebinding between check and use).
 */
export class SsrfGuard {
  private readonly entries: AllowlistEntry[];
  private readonly protectedPorts: ReadonlySet<number>;

  /**
   * @param allowlist - `CALLBACK_ALLOWLIST` entries (`[caller@]target[:port]`)
   * @param protectedPorts - ports an entry opens only by naming them
   */
  constructor(
    allowlist: readonly string[],
    private readonly resolve: Resolver = systemResolver,
    protectedPorts: readonly number[] = [],
  ) {
    this.entries = allowlist.map((raw) => {
      const entry = parseAllowlistEntry(raw);
      if (!entry) {
        throw new Error(`CALLBACK_ALLOWLIST: ${raw} is not [caller@]host|ip|cidr[:port]`);
      }
      return entry;
    });
    this.protectedPorts = new Set(protectedPorts);
  }

  private applicable(target: CallbackTarget): Applicable {
    return new Applicable(
      this.entries.filter((e) => entryApplies(e, target.caller, target.port, this.protectedPorts)),
    );
  }

  /**
   * Checks a callback URL of `caller`, resolving its host.
   * @throws SsrfBlockedError naming the rule it breaks
   */
  async checkUrl(raw: string, caller?: string): Promise<URL> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new SsrfBlockedError('is not a valid URL');
    }
    const rules = this.applicable({ caller, port: portOf(url) });
    const listed = rules.hostListed(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && listed)) {
      throw new SsrfBlockedError('must be https (http only for hosts on CALLBACK_ALLOWLIST)');
    }
    if (url.username || url.password) {
      throw new SsrfBlockedError('must not carry credentials');
    }
    if (rules.hasHost(url.hostname)) {
      return url;
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host) !== 0 ? [host] : await this.resolveOrBlock(host);
    if (addresses.some((ip) => !rules.addressAllowed(ip))) {
      throw new SsrfBlockedError(
        'resolves to a loopback, private, link-local or reserved address (not allowed unless on CALLBACK_ALLOWLIST for this caller and port)',
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

  /**
   * An `http.Agent` lookup for requests of `target` that refuses blocked addresses (pins the
   * connection to checked IPs).
   */
  lookupFor(target: CallbackTarget): LookupFunction {
    const rules = this.applicable(target);
    return (hostname, options, callback) => {
      const listedHost = rules.hasHost(hostname);
      dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
        if (err) {
          callback(err, '', 4);
          return;
        }
        const ok = addresses.filter((a) => listedHost || rules.addressAllowed(a.address));
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
}

/** {@link portOf} for a raw URL, for the callback sender's per-request lookup. */
export function callbackPortOf(raw: string): number {
  return portOf(new URL(raw));
}
