import { ConfigurationError } from '@bots/auth';
import { describe, expect, test } from 'vitest';
import { addressKind, canonicalHost } from './address-kind.js';
import {
  hostsNamedIn,
  judgeAddresses,
  judgeTarget,
  parseHostRule,
  type Target,
} from './host-rule.js';

/** What the rule says about a request to `authority` that resolves to `resolved` (for names). */
function verdict(allowHosts: string[], authority: string, resolved: string[] = []): string {
  const rule = parseHostRule(allowHosts);
  const url = new URL(`http://${authority}`);
  const target: Target = {
    host: canonicalHost(url.hostname) ?? '',
    port: Number(url.port || 80),
  };
  const first = judgeTarget(rule, target);
  if (!first.allowed) return `refused: ${first.reason}`;
  const addresses = first.lookup ? judgeAddresses(rule, target, resolved) : first;
  return addresses.allowed
    ? `allowed ${addresses.addresses.join(',')}`
    : `refused: ${addresses.reason}`;
}

describe('address kinds', () => {
  test.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:7f00:1::', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.100.100.200', 'private'],
    ['fd00::2', 'private'],
    ['fc12::1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['fd00:ec2::254', 'private'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['::7f00:1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['2001:0:4136:e378::1', 'reserved'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'multicast'],
    ['ff02::fb', 'multicast'],
    ['93.184.216.34', 'public'],
    ['172.32.0.1', 'public'],
    ['2606:4700::1111', 'public'],
    ['64:ff9b::5db8:d822', 'public'],
  ])('%s is %s', (address, kind) => {
    expect(addressKind(address)).toBe(kind);
  });

  test.each([
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
    ['LocalHost.', 'localhost'],
    ['2852039166', '169.254.169.254'],
    ['0xa9fea9fe', '169.254.169.254'],
  ])('the host %s is canonicalised to %s, as Chromium does', (host, canonical) => {
    expect(canonicalHost(host)).toBe(canonical);
  });
});

describe('allowHosts entries', () => {
  test.each([
    [['127.0.0.1'], /"127\.0\.0\.1" is on this machine's loopback without a port: name the port/],
    [['localhost'], /"localhost" names this machine's loopback without a port/],
    [['[::1]'], /without a port/],
    [['0.0.0.0:8080'], /the unspecified address .* never reaches/],
    [['http://127.0.0.1:8080/'], /is a URL; give its host.*write 127\.0\.0\.1:8080/],
    [['example.com:0'], /port that is not a number from 1 to 65535/],
    [['example.com:http'], /port that is not a number/],
    [['exa mple.com'], /is not a host name or an IP address/],
    [['*.10.0.0.1'], /is not a host name/],
    [[''], /allowHosts entry must be a non-empty string/],
    [[42], /allowHosts entry must be a non-empty string, but got 42/],
  ])('%j is refused with a message that says how to fix it', (entries, message) => {
    expect(() => parseHostRule(entries)).toThrow(ConfigurationError);
    expect(() => parseHostRule(entries)).toThrow(message);
  });

  test('not an array: a ConfigurationError naming the option as the caller calls it', () => {
    expect(() => parseHostRule('example.com', '--allow-host')).toThrow(
      /--allow-host must be an array of host entries .* but got "example\.com"/,
    );
  });

  test('valid entries parse', () => {
    expect(
      parseHostRule([
        '*',
        'Example.COM',
        '*.corp.test:8443',
        '127.0.0.1:8080',
        '[::1]:3000',
        '10.0.0.5',
      ]).entries,
    ).toEqual([
      { text: '*', type: 'any', host: '*' },
      { text: 'Example.COM', type: 'name', host: 'example.com' },
      { text: '*.corp.test:8443', type: 'wildcard', host: 'corp.test', port: 8443 },
      { text: '127.0.0.1:8080', type: 'address', host: '127.0.0.1', port: 8080 },
      { text: '[::1]:3000', type: 'address', host: '0:0:0:0:0:0:0:1', port: 3000 },
      { text: '10.0.0.5', type: 'address', host: '10.0.0.5' },
    ]);
  });
});

describe('the host rule', () => {
  const site = ['127.0.0.1:8080'];

  test('loopback is host and port: the named service only', () => {
    expect(verdict(site, '127.0.0.1:8080')).toBe('allowed 127.0.0.1');
    expect(verdict(site, 'localhost:8080')).toBe('allowed 127.0.0.1');
    expect(verdict(site, '127.0.0.1:8081')).toMatch(
      /^refused: 127\.0\.0\.1:8081: on this machine's loopback, and no allowHosts entry names it with its port .* add "127\.0\.0\.1:8081"/,
    );
    expect(verdict(site, '[::1]:8080')).toMatch(/^refused: \[::1\]:8080/);
    expect(verdict(['*'], '127.0.0.1:8080')).toMatch(/^refused: .*loopback/);
  });

  test('numeric spellings of loopback and metadata addresses are the same addresses', () => {
    for (const authority of [
      '2130706433:9000',
      '0x7f000001:9000',
      '0x7f.1:9000',
      '017700000001:9000',
      '127.1:9000',
      '[::ffff:127.0.0.1]:9000',
      '[::ffff:7f00:1]:9000',
    ])
      expect(verdict(['*', 'example.com'], authority)).toMatch(/^refused: .*loopback/);
    expect(verdict(['*'], '0:9000')).toMatch(/never reaches/);
    expect(verdict(['*'], '[::]:9000')).toMatch(/never reaches/);
    for (const authority of ['169.254.169.254', '2852039166', '0xa9fea9fe', '[::ffff:a9fe:a9fe]'])
      expect(verdict(['*'], authority)).toMatch(/^refused: .*link-local/);
  });

  test('a name that resolves to loopback, private or link-local opens nothing through * or a wildcard', () => {
    expect(verdict(['*'], 'rebind.example:80', ['127.0.0.1'])).toMatch(
      /^refused: rebind\.example:80: rebind\.example resolves to 127\.0\.0\.1, on this machine's loopback/,
    );
    expect(verdict(['*.example'], 'rebind.example:80', ['10.0.0.1'])).toMatch(/private network/);
    expect(verdict(['*'], 'meta.example:80', ['169.254.169.254'])).toMatch(/link-local/);
    expect(verdict(['*'], 'mixed.example:80', ['93.184.216.34', '127.0.0.1'])).toBe(
      'allowed 93.184.216.34',
    );
  });

  test('an exact name opens its private addresses; loopback needs the port too', () => {
    expect(verdict(['intranet.corp'], 'intranet.corp', ['10.1.2.3'])).toBe('allowed 10.1.2.3');
    expect(verdict(['dev.test'], 'dev.test:3000', ['127.0.0.1'])).toMatch(/with its port/);
    expect(verdict(['dev.test:3000'], 'dev.test:3000', ['127.0.0.1'])).toBe('allowed 127.0.0.1');
  });

  test('a name no entry names is refused before any lookup', () => {
    expect(judgeTarget(parseHostRule(['example.com']), { host: 'other.test', port: 80 })).toEqual({
      allowed: false,
      reason: 'other.test:80 is not in allowHosts. To allow it, add "other.test" to allowHosts.',
    });
    expect(judgeTarget(parseHostRule([]), { host: 'localhost', port: 9 })).toMatchObject({
      allowed: false,
    });
  });

  test('public hosts: named ones, or any with *', () => {
    expect(verdict(['example.com'], 'example.com', ['93.184.216.34'])).toBe(
      'allowed 93.184.216.34',
    );
    expect(verdict(['*.example.com'], 'www.example.com', ['93.184.216.34'])).toBe(
      'allowed 93.184.216.34',
    );
    expect(verdict(['*.example.com'], 'example.com', ['93.184.216.34'])).toMatch(/^refused/);
    expect(verdict(['example.com:8443'], 'example.com:443', ['93.184.216.34'])).toMatch(
      /another port of it is/,
    );
    expect(verdict([], '93.184.216.34')).toMatch(/^refused: .* add "93\.184\.216\.34"/);
    expect(verdict(['*'], '93.184.216.34')).toBe('allowed 93.184.216.34');
  });
});

test('hostsNamedIn gives the entries for the sites a task names, loopback with its port', () => {
  expect(
    hostsNamedIn(
      'Compare http://127.0.0.1:8080/a, http://localhost/b, https://Example.com/x and http://[::1]:9/ with http://10.0.0.5:81/.',
    ),
  ).toEqual(['127.0.0.1:8080', 'localhost:80', 'example.com', '[::1]:9', '10.0.0.5']);
  expect(() =>
    parseHostRule(hostsNamedIn('see http://127.0.0.1:8080/ and http://0.0.0.0:1/')),
  ).not.toThrow();
});
