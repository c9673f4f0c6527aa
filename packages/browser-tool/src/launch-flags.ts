/**
 * Chromium flags for a headless browser in a closed network, as root (in the container) or as
 * any user (local runner): no sandbox (the container is the sandbox; the local runner drops this
 * flag), no GPU, no QUIC (UDP that no proxy carries), no background traffic to the vendor's hosts.
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
];

/**
 * The flags that send every request of the browser through the network guard at `proxyServer`
 * (`http://127.0.0.1:<port>`), where the host rule is enforced:
 * - `--proxy-server`, and `--proxy-bypass-list=<-loopback>`, which removes Chromium's implicit
 *   bypass of localhost, 127.0.0.0/8, [::1], 169.254/16 and fe80::/10 (otherwise those go direct);
 * - WebRTC may not send UDP that bypasses the proxy (its UDP would reach any local port);
 * - a host resolver that answers NOTFOUND for every name but the proxy's address, so that nothing
 *   Chromium would resolve itself leaves the machine (names are resolved by the guard).
 */
export function networkGuardFlags(proxyServer: string): string[] {
  const proxy = new URL(proxyServer);
  return [
    `--proxy-server=${proxy.protocol}//${proxy.host}`,
    '--proxy-bypass-list=<-loopback>',
    '--webrtc-ip-handling-policy=disable_non_proxied_udp',
    `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${proxy.hostname}`,
  ];
}

/**
 * All launch flags: the base flags and the network guard's (playwright adds a fresh profile).
 * `chromiumSandbox: true` keeps Chromium's own sandbox (drops `--no-sandbox`): for the local
 * runner, where no container surrounds the browser.
 */
export function chromiumFlags(options: {
  /** The network guard every request goes through (required: no browser without the rule). */
  proxyServer: string;
  userDataDir?: string;
  chromiumSandbox?: boolean;
}): string[] {
  const flags = BASE_CHROMIUM_FLAGS.filter(
    (flag) => !(options.chromiumSandbox && flag === '--no-sandbox'),
  );
  flags.push(...networkGuardFlags(options.proxyServer));
  if (options.userDataDir) flags.push(`--user-data-dir=${options.userDataDir}`);
  return flags;
}

const CHROMIUM_VARIABLES =
  /^(PATH|HOME|TMPDIR|TMP|TEMP|LANG|LANGUAGE|LC_[A-Z]+|TZ|XDG_[A-Z_]+|FONTCONFIG_[A-Z_]+|DISPLAY|WAYLAND_DISPLAY|DBUS_SESSION_BUS_ADDRESS)$/;

/**
 * The environment Chromium is started with: only what a browser needs (paths, locale, time
 * zone, fonts, display), never the rest of this process's environment. Chromium's processes'
 * environments are readable in the host's process list (`ps e`) and by a page that takes over a
 * renderer: keys, tokens and `IDENTITY_HEADER` stay out of them.
 */
export function chromiumEnvironment(
  env: Record<string, string | undefined>,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env))
    if (value !== undefined && CHROMIUM_VARIABLES.test(name)) kept[name] = value;
  return kept;
}
