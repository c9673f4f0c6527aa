/** What went wrong when a request to `url` could not get an HTTP answer, with the cause's code. */
export function describeConnectFailure(error: unknown, url: string, timeoutMs: number): string {
  let host = url;
  let port = '';
  try {
    const parsed = new URL(url);
    host = parsed.hostname;
    port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  } catch {
    return `${url} is not a valid URL`;
  }
  const where = `${host}:${port}`;
  if ((error as Error)?.name === 'TimeoutError')
    return `no answer from ${where} within ${timeoutMs / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code;
  const message = cause?.message ?? (error instanceof Error ? error.message : String(error));
  switch (code) {
    case 'ECONNREFUSED':
      return `nothing listens on ${where} (ECONNREFUSED): check the port, or start the server`;
    case 'ENOTFOUND':
      return `the host name ${host} does not resolve (ENOTFOUND): check the endpoint's spelling`;
    case 'EAI_AGAIN':
      return `the host name ${host} could not be resolved: no answer from DNS (EAI_AGAIN); check the network or the name`;
    case 'ECONNRESET':
      return `${where} closed the connection (ECONNRESET)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} cannot be reached from here (${code}): check the network or a proxy`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `no connection to ${where} (${code}): a firewall may drop it`;
  }
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return `the TLS certificate of ${where} is not trusted (${code}); for a private CA set NODE_EXTRA_CA_CERTS=<ca.pem>`;
  }
  if (message === 'bad port') {
    return `port ${port} is one that fetch refuses to connect to ("bad port"); use another port`;
  }
  return `${message}${code ? ` (${code})` : ''} at ${where}`;
}
