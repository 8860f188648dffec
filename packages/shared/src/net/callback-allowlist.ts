import { isIP } from 'node:net';

/**
 * One `CALLBACK_ALLOWLIST` entry: `[caller@]target[:port]`, where target is a host name, an
 * IPv4 address or CIDR, or an IPv6 address or CIDR (in brackets when a port follows:
 * `[fd00::/8]:8443`). Without a caller it applies to every caller; without a port to every port
 * except the service's own (see {@link AllowlistEntry.port}).
 */
export interface AllowlistEntry {
  /** The one caller the entry opens the target for; undefined: every caller. */
  caller?: string;
  /** A host name (lower case), matched exactly. */
  host?: string;
  /** An address range. */
  net?: { address: string; bits: number; family: 'ipv4' | 'ipv6' };
  /** The one port the entry opens; undefined: every port but the protected ones. */
  port?: number;
}

const CALLER = /^[A-Za-z0-9_.-]{1,64}$/;
const HOST = /^[a-z0-9._-]+$/;

function parseTarget(target: string): Pick<AllowlistEntry, 'host' | 'net'> | undefined {
  const [address = '', bits, extra] = target.split('/');
  const family = isIP(address);
  if (extra !== undefined) {
    return undefined;
  }
  if (family === 0) {
    return bits === undefined && HOST.test(address) ? { host: address } : undefined;
  }
  const max = family === 4 ? 32 : 128;
  const n = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!(n >= 0 && n <= max)) {
    return undefined;
  }
  return { net: { address, bits: n, family: family === 4 ? 'ipv4' : 'ipv6' } };
}

function splitPort(rest: string): { target: string; port?: string } {
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (bracketed) {
    return { target: bracketed[1]!, port: bracketed[2] };
  }
  const colons = rest.split(':').length - 1;
  if (colons === 1) {
    const at = rest.indexOf(':');
    return { target: rest.slice(0, at), port: rest.slice(at + 1) };
  }
  return { target: rest };
}

/**
 * Parses one entry (already lower-cased, except the caller name).
 * @returns undefined when it is not of the documented form
 */
export function parseAllowlistEntry(raw: string): AllowlistEntry | undefined {
  const at = raw.indexOf('@');
  const caller = at < 0 ? undefined : raw.slice(0, at);
  if (caller !== undefined && !CALLER.test(caller)) {
    return undefined;
  }
  const { target, port } = splitPort((at < 0 ? raw : raw.slice(at + 1)).toLowerCase());
  const parsed = parseTarget(target);
  if (!parsed) {
    return undefined;
  }
  if (port === undefined) {
    return { caller, ...parsed };
  }
  const n = /^\d{1,5}$/.test(port) ? Number(port) : NaN;
  return n >= 1 && n <= 65535 ? { caller, ...parsed, port: n } : undefined;
}

/** Whether `entry` applies to a request of `caller` to `port`. */
export function entryApplies(
  entry: AllowlistEntry,
  caller: string | undefined,
  port: number,
  protectedPorts: ReadonlySet<number>,
): boolean {
  if (entry.caller !== undefined && entry.caller !== caller) {
    return false;
  }
  return entry.port === undefined ? !protectedPorts.has(port) : entry.port === port;
}
