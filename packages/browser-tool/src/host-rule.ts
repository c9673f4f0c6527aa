import { ConfigurationError, checkString, describeValue } from '@bots/auth';
import {
  type AddressKind,
  addressKind,
  canonicalAddress,
  canonicalHost,
  isAddress,
  NEVER_KINDS,
  SPECIAL_KINDS,
} from './address-kind.js';

/** One parsed entry of `allowHosts`. */
export interface HostRuleEntry {
  /** The entry as the user wrote it. */
  readonly text: string;
  /**
   * `any`: `*`, every public address; `address`: one IP address; `name`: one exact host name;
   * `wildcard`: `*.example.com`, the subdomains of a name (public addresses only).
   */
  readonly type: 'any' | 'address' | 'name' | 'wildcard';
  /** The canonical address, the name, or for `wildcard` the parent domain (`example.com`). */
  readonly host: string;
  /** The one port the entry opens; every port when undefined. */
  readonly port?: number;
}

/**
 * The browser's host rule: which hosts and ports a page may reach. Built once from `allowHosts`
 * by {@link parseHostRule}; {@link judgeTarget} and {@link judgeAddresses} apply it to one request.
 *
 * The rule: a host is reached only when an entry names it. `*` names every host on a public
 * address. Loopback, private (10/8, 172.16/12, 192.168/16, 100.64/10, IPv6 ULA), link-local
 * (169.254/16: cloud metadata; fe80::/10) and other non-public addresses are reached only through
 * an entry that names the address itself or the exact host name, never through `*` or a
 * `*.domain` wildcard (so a name that an attacker points at 127.0.0.1 opens nothing); loopback
 * needs the port as well (`127.0.0.1:8080` opens one service of this machine, not all of them).
 * `0.0.0.0`, `::` and multicast addresses are never reached.
 */
export interface HostRule {
  readonly entries: readonly HostRuleEntry[];
}

/** Default ports of the schemes a page uses. */
export const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  'http:': 80,
  'https:': 443,
  'ws:': 80,
  'wss:': 443,
};

const KIND_WORDS: Record<AddressKind, string> = {
  loopback: "on this machine's loopback",
  private: 'a private network address',
  'link-local': 'a link-local address (where cloud metadata endpoints answer)',
  reserved: 'a reserved address (not on the public internet)',
  unspecified: 'the unspecified address (a connection to it reaches this machine)',
  multicast: 'a multicast or broadcast address',
  public: 'a public address',
};

function entryError(optionName: string, entry: unknown, problem: string): ConfigurationError {
  return new ConfigurationError(
    `${optionName} entry ${describeValue(entry)} ${problem} Valid entries: a host name (example.com), a subdomain wildcard (*.example.com), an IP address (203.0.113.7, [2001:db8::1]), each with an optional :port, or * for every public host; loopback needs its port (127.0.0.1:8080, localhost:3000).`,
  );
}

function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost');
}

function parseEntry(raw: unknown, optionName: string): HostRuleEntry {
  const text = checkString(raw, `${optionName} entry`, { nonEmpty: true }).trim();
  if (text === '*') return { text, type: 'any', host: '*' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text))
    throw entryError(
      optionName,
      raw,
      `is a URL; give its host, with the port for loopback (for http://127.0.0.1:8080/ write 127.0.0.1:8080).`,
    );
  const wildcard = text.startsWith('*.');
  const authority = wildcard ? text.slice(2) : text;
  let hostPart = authority;
  let portPart: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d*))?$/.exec(authority);
  if (bracketed) {
    hostPart = bracketed[1] ?? '';
    portPart = bracketed[2];
  } else if (!isAddress(authority)) {
    const colon = authority.lastIndexOf(':');
    if (colon >= 0) {
      hostPart = authority.slice(0, colon);
      portPart = authority.slice(colon + 1);
    }
  }
  const host = canonicalHost(hostPart);
  if (!host || host.includes('*') || (wildcard && isAddress(host)))
    throw entryError(optionName, raw, 'is not a host name or an IP address.');
  let port: number | undefined;
  if (portPart !== undefined) {
    port = Number(portPart);
    if (!/^\d+$/.test(portPart) || port < 1 || port > 65_535)
      throw entryError(optionName, raw, 'has a port that is not a number from 1 to 65535.');
  }
  if (isAddress(host)) {
    const kind = addressKind(host) ?? 'public';
    if (NEVER_KINDS.includes(kind))
      throw entryError(
        optionName,
        raw,
        `is ${KIND_WORDS[kind]}, which the browser never reaches; name the service's own address instead (127.0.0.1:8080 for this machine).`,
      );
    if (kind === 'loopback' && port === undefined)
      throw entryError(
        optionName,
        raw,
        `is ${KIND_WORDS.loopback} without a port: name the port (${host.includes(':') ? `[${host}]` : host}:8080), so that one site on this machine does not open every other service on its loopback.`,
      );
    return { text, type: 'address', host: canonicalAddress(host), ...(port ? { port } : {}) };
  }
  if (isLoopbackName(host) && port === undefined)
    throw entryError(
      optionName,
      raw,
      `names this machine's loopback without a port: name the port (${host}:3000), so that one site on this machine does not open every other service on its loopback.`,
    );
  return { text, type: wildcard ? 'wildcard' : 'name', host, ...(port ? { port } : {}) };
}

/**
 * Parses and checks `allowHosts` (an array of entries, see {@link HostRule}). Throws a
 * `ConfigurationError` naming `optionName`, the bad entry and the valid forms.
 */
export function parseHostRule(allowHosts: unknown, optionName = 'allowHosts'): HostRule {
  if (allowHosts === undefined) return { entries: [] };
  if (!Array.isArray(allowHosts))
    throw new ConfigurationError(
      `${optionName} must be an array of host entries such as ["example.com", "127.0.0.1:8080"], but got ${describeValue(allowHosts)}.`,
    );
  return { entries: allowHosts.map((entry) => parseEntry(entry, optionName)) };
}

/** A request's destination: the canonical host (see `canonicalHost`) and the port. */
export interface Target {
  host: string;
  port: number;
}

/** `host:port` as a URL authority writes it (`[::1]:8080` for IPv6). */
export function formatTarget(target: Target): string {
  return `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
}

function portMatches(entry: HostRuleEntry, port: number): boolean {
  return entry.port === undefined || entry.port === port;
}

function nameEntries(rule: HostRule, target: Target): HostRuleEntry[] {
  return rule.entries.filter(
    (entry) =>
      portMatches(entry, target.port) &&
      ((entry.type === 'name' && entry.host === target.host) ||
        (entry.type === 'wildcard' && target.host.endsWith(`.${entry.host}`))),
  );
}

/** The first step, before any DNS lookup: refused, or the addresses to check (or to look up). */
export type TargetJudgement =
  | { allowed: false; reason: string }
  | { allowed: true; lookup: false; addresses: string[] }
  | { allowed: true; lookup: true };

/**
 * Judges a target before anything is resolved: an IP address is judged at once; a name is
 * looked up only when an entry (or `*`) could open it, so a name the rule refuses causes no DNS
 * query. `localhost` names resolve to loopback without DNS.
 */
export function judgeTarget(rule: HostRule, target: Target): TargetJudgement {
  if (isAddress(target.host)) {
    const verdict = judgeAddress(rule, target, target.host);
    return verdict === true
      ? { allowed: true, lookup: false, addresses: [target.host] }
      : { allowed: false, reason: verdict };
  }
  if (isLoopbackName(target.host)) {
    const addresses = ['127.0.0.1', '::1'].filter(
      (address) => judgeAddress(rule, target, address) === true,
    );
    return addresses.length > 0
      ? { allowed: true, lookup: false, addresses }
      : {
          allowed: false,
          reason: `${formatTarget(target)} is ${KIND_WORDS.loopback}, and no allowHosts entry names it with its port. To allow it, add "${formatTarget(target)}" to allowHosts.`,
        };
  }
  // Only a name an entry (or *) opens is looked up: no DNS query for any other name, so a page
  // cannot leak data through lookups of names of its choosing.
  const named = nameEntries(rule, target).length > 0;
  const any = rule.entries.some((entry) => entry.type === 'any');
  if (!named && !any) {
    const otherPort = rule.entries.some(
      (entry) => entry.type === 'name' && entry.host === target.host,
    );
    return {
      allowed: false,
      reason: `${formatTarget(target)} is not in allowHosts${otherPort ? ' (another port of it is)' : ''}. To allow it, add "${target.host}" to allowHosts.`,
    };
  }
  return { allowed: true, lookup: true };
}

/**
 * Judges one address a target resolved to (or is): `true` when the rule opens it, else the reason
 * (a whole sentence that says how to allow it, where it can be allowed).
 */
export function judgeAddress(rule: HostRule, target: Target, address: string): true | string {
  const kind = addressKind(address) ?? 'public';
  const canonical = canonicalAddress(address);
  const via = isAddress(target.host) ? '' : `${target.host} resolves to ${address}, `;
  if (NEVER_KINDS.includes(kind))
    return `${formatTarget(target)}: ${via}${KIND_WORDS[kind]}, which the browser never reaches.`;
  const byAddress = rule.entries.some(
    (entry) =>
      entry.type === 'address' && entry.host === canonical && portMatches(entry, target.port),
  );
  if (byAddress) return true;
  const byName = nameEntries(rule, target);
  if (kind === 'public') {
    if (byName.length > 0 || rule.entries.some((entry) => entry.type === 'any')) return true;
    return `${formatTarget(target)} is not in allowHosts. To allow it, add "${target.host}" to allowHosts.`;
  }
  const exact = byName.filter(
    (entry) => entry.type === 'name' && (kind !== 'loopback' || entry.port !== undefined),
  );
  if (SPECIAL_KINDS.includes(kind) && exact.length > 0) return true;
  const entry = kind === 'loopback' ? formatTarget({ host: address, port: target.port }) : address;
  return `${formatTarget(target)}: ${via}${KIND_WORDS[kind]}, and no allowHosts entry names it${kind === 'loopback' ? ' with its port' : ''} (* and *.domain wildcards never open such addresses). To allow it, add "${via ? (kind === 'loopback' ? formatTarget(target) : target.host) : entry}" to allowHosts.`;
}

/**
 * Judges the addresses a name resolved to: the ones the rule opens (to connect to, in order),
 * or the reason none is.
 */
export function judgeAddresses(
  rule: HostRule,
  target: Target,
  addresses: readonly string[],
): { allowed: true; addresses: string[] } | { allowed: false; reason: string } {
  const verdicts = addresses.map((address) => ({
    address,
    verdict: judgeAddress(rule, target, address),
  }));
  const open = verdicts.filter((item) => item.verdict === true).map((item) => item.address);
  if (open.length > 0) return { allowed: true, addresses: open };
  const first = verdicts.find((item) => item.verdict !== true);
  return {
    allowed: false,
    reason:
      typeof first?.verdict === 'string'
        ? first.verdict
        : `${formatTarget(target)} resolves to no address.`,
  };
}

/**
 * `allowHosts` entries that open exactly the sites a text names: each http(s) URL's host, with its
 * port when it is on loopback (`http://127.0.0.1:8080/x` gives `127.0.0.1:8080`). For a CLI whose
 * user typed the task (never for a task a model wrote: the model would then choose what the
 * browser may reach).
 */
export function hostsNamedIn(text: string): string[] {
  const hosts = new Set<string>();
  for (const match of text.matchAll(/\bhttps?:\/\/[^\s"'<>)]+/gi)) {
    let url: URL;
    try {
      url = new URL(match[0]);
    } catch {
      continue;
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!host) continue;
    const port = Number(url.port || DEFAULT_PORTS[url.protocol] || 80);
    const kind = isAddress(host) ? addressKind(host) : undefined;
    if (kind && NEVER_KINDS.includes(kind)) continue;
    const loopback = kind === 'loopback' || isLoopbackName(host);
    hosts.add(loopback ? formatTarget({ host, port }) : url.hostname);
  }
  return [...hosts];
}
