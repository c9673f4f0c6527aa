/** Why a request never got an HTTP answer, in words, from the error's cause chain. */
export interface ConnectionFailure {
  /** The system or library code, e.g. `ECONNREFUSED`, `EAI_AGAIN`, `bad port`. */
  code: string;
  /** What happened, naming the host and port; a fragment that follows "could not reach host:port: ". */
  reason: string;
  /** True when trying again cannot help (a name that does not exist, a refused certificate). */
  permanent: boolean;
}

const TLS_CODE =
  /^(?:CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH)/;

/** The host and port a URL connects to (the scheme's default port when none is written). */
export function hostAndPort(url: string): string {
  try {
    const parsed = new URL(url);
    const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
    return `${parsed.hostname}:${port}`;
  } catch {
    return 'the endpoint';
  }
}

function* causes(error: unknown): Generator<{ code?: unknown; message?: unknown }> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length && seen.size < 12) {
    const current = queue.shift();
    if (!current || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    yield current as { code?: unknown; message?: unknown };
    const { cause, errors } = current as { cause?: unknown; errors?: unknown };
    queue.push(cause);
    if (Array.isArray(errors)) queue.push(...errors);
  }
}

/**
 * Finds why a request could not reach `endpoint` (DNS, refused port, reset, timeout, TLS, a port
 * `fetch` refuses) in the cause chain of `error`, as `fetch`, undici and the SDKs nest it.
 * `undefined` when the chain says nothing known.
 */
export function connectionFailureOf(
  error: unknown,
  endpoint: string,
): ConnectionFailure | undefined {
  const where = hostAndPort(endpoint);
  const host = where.replace(/:\d+$/, '');
  for (const cause of causes(error)) {
    const code = typeof cause.code === 'string' ? cause.code : undefined;
    const message = typeof cause.message === 'string' ? cause.message : '';
    if (!code && /^bad port$/i.test(message)) {
      return {
        code: 'bad port',
        reason: `fetch refuses to connect to port ${where.split(':').pop()} (bad port: a well-known port of another protocol, such as 6000 or 9). Use the port the service listens on`,
        permanent: true,
      };
    }
    if (!code) continue;
    switch (code) {
      case 'ENOTFOUND':
        return {
          code,
          reason: `the host name ${host} does not resolve (ENOTFOUND). Check the spelling of the endpoint`,
          permanent: true,
        };
      case 'EAI_AGAIN':
        return {
          code,
          reason: `the host name ${host} could not be resolved (EAI_AGAIN: no DNS server answered). Check the network and DNS of this machine, and the spelling of the endpoint`,
          permanent: false,
        };
      case 'ECONNREFUSED':
        return {
          code,
          reason: `nothing listens on ${where} (ECONNREFUSED). Check the port in the endpoint and that the service is running`,
          permanent: false,
        };
      case 'ECONNRESET':
      case 'EPIPE':
      case 'UND_ERR_SOCKET':
        return {
          code,
          reason: `${where} closed the connection before it answered (${code}). A proxy or the service dropped it; try again, or check the service`,
          permanent: false,
        };
      case 'ETIMEDOUT':
      case 'UND_ERR_CONNECT_TIMEOUT':
        return {
          code,
          reason: `${where} did not accept the connection in time (${code}). Check the network, a firewall or a proxy`,
          permanent: false,
        };
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
      case 'EADDRNOTAVAIL':
        return {
          code,
          reason: `${where} cannot be reached from this machine (${code}). Check the network, a firewall or a proxy`,
          permanent: false,
        };
      default:
        if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(message)) {
          return {
            code,
            reason: `${where} does not speak TLS (${code}). Use http:// for a plain http endpoint, or the service's https port`,
            permanent: true,
          };
        }
        if (TLS_CODE.test(code)) {
          return {
            code,
            reason: `the TLS certificate of ${where} was not accepted (${code}). If it is signed by your own CA, point NODE_EXTRA_CA_CERTS at the CA's PEM file when starting node`,
            permanent: true,
          };
        }
    }
  }
  return undefined;
}
