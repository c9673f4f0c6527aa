/**
 * Chromium flags for a headless browser in a closed network, as root (in the container) or as
 * any user (local runner): no sandbox (the container is the sandbox), no GPU, no QUIC, no
 * background traffic to the vendor's hosts, and a host resolver that answers NOTFOUND for every
 * name but loopback, so that no DNS lookup leaves the machine unless a host is allowed.
 */
export const BASE_CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--disable-features=Translate,OptimizationHints,MediaRouter',
];

/**
 * `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1[, EXCLUDE host]...`. `allowHosts`
 * lists host names the browser may resolve (e.g. `example.com`); `['*']` turns the rule off.
 */
export function hostResolverRules(allowHosts: readonly string[] = []): string | undefined {
  if (allowHosts.includes('*')) return undefined;
  const excluded = [
    '127.0.0.1',
    'localhost',
    ...allowHosts.filter((host) => /^[\w.*-]+$/.test(host)),
  ];
  return `--host-resolver-rules=MAP * ~NOTFOUND, ${[...new Set(excluded)].map((host) => `EXCLUDE ${host}`).join(', ')}`;
}

/**
 * All launch flags: the base flags and the resolver rule (playwright adds a fresh profile).
 * `chromiumSandbox: true` keeps Chromium's own sandbox (drops `--no-sandbox`): for the local
 * runner, where no container surrounds the browser.
 */
export function chromiumFlags(
  options: { allowHosts?: readonly string[]; userDataDir?: string; chromiumSandbox?: boolean } = {},
): string[] {
  const flags = BASE_CHROMIUM_FLAGS.filter(
    (flag) => !(options.chromiumSandbox && flag === '--no-sandbox'),
  );
  const rules = hostResolverRules(options.allowHosts);
  if (rules) flags.push(rules);
  if (options.userDataDir) flags.push(`--user-data-dir=${options.userDataDir}`);
  return flags;
}
