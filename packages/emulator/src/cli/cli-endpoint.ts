import { applyFault } from '../apply-fault.js';
import type { EmulatorState } from '../emulator-state.js';
import type { Exchange } from '../exchange.js';
import { fingerprint } from '../secret-masking.js';
import { deterministicGuid } from '../token-issuer.js';
import { azNotLoggedIn, azTokenOutput, parseAzCommandLine } from './az-command.js';
import { azdNotLoggedIn, azdTokenOutput, parseAzdCommandLine } from './azd-command.js';
import { CLI_SOURCE, type CliOutcome, type CliTokenRequest, type CliTool } from './cli-outcome.js';

/** The subscription `az` reports when none is given (a fake, fixed GUID). */
export const DEFAULT_SUBSCRIPTION_ID = '00000000-5ab5-45ab-85ab-000000000003';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Serves `POST /cli/token` for the `az` and `azd` stand-ins: the body is
 * `{ tool: 'az' | 'azd', arguments: string[] }`, the answer `{ exitCode, stdout, stderr }` for the
 * stand-in to print. Authenticated with `X-IDENTITY-HEADER`, recorded as `kind: 'identity'` with
 * the tool's `source`; the token is only in the answer, never in the log.
 */
export async function handleCliRequest(exchange: Exchange, state: EmulatorState): Promise<void> {
  const secret = exchange.request.headers['x-identity-header'];
  const presented = Array.isArray(secret) ? secret[0] : secret;
  const accepted = presented === state.identityHeader;
  exchange.entry.auth = {
    scheme: presented === undefined ? 'none' : 'identity-header',
    accepted,
    ...(presented === undefined
      ? {}
      : { header: 'x-identity-header', fingerprint: fingerprint(presented) }),
    ...(accepted ? {} : { reason: 'X-IDENTITY-HEADER does not match IDENTITY_HEADER' }),
  };
  if (!accepted) {
    return answer(exchange, 401, {
      exitCode: 1,
      stdout: '',
      stderr:
        'ERROR: the @bots/emulator refused this stand-in (wrong X-IDENTITY-HEADER). Write the stand-ins again with emulator.writeCliStandIns().\n',
    });
  }
  const read = await exchange.readJsonBody();
  const tool = read.ok ? read.body?.['tool'] : undefined;
  const commandLine = read.ok ? read.body?.['arguments'] : undefined;
  if (
    (tool !== 'az' && tool !== 'azd') ||
    !Array.isArray(commandLine) ||
    !commandLine.every((argument) => typeof argument === 'string')
  ) {
    return answer(exchange, 400, {
      exitCode: 1,
      stdout: '',
      stderr:
        'ERROR: the @bots/emulator expects { "tool": "az" | "azd", "arguments": [...] } at /cli/token.\n',
    });
  }
  exchange.entry.source = CLI_SOURCE[tool];
  const parsed = (tool === 'az' ? parseAzCommandLine : parseAzdCommandLine)(commandLine);
  if (!parsed.ok) {
    exchange.entry.body = { tool, arguments: commandLine };
    return answer(exchange, 400, parsed.outcome);
  }
  const { request } = parsed;
  exchange.entry.body = { tool, ...request };
  state.counters.tokenRequests += 1;
  const fault = state.faults.take('identity');
  if (fault !== undefined && (await applyFault(exchange, fault, 'identity', ''))) return;
  if (!state.cliLogin[tool]) {
    exchange.entry.auth = { ...exchange.entry.auth, accepted: false, reason: `${tool} signed out` };
    return answer(exchange, 401, tool === 'az' ? azNotLoggedIn() : azdNotLoggedIn());
  }
  return answer(exchange, 200, issueFor(tool, request, exchange, state));
}

function issueFor(
  tool: CliTool,
  request: CliTokenRequest,
  exchange: Exchange,
  state: EmulatorState,
): CliOutcome {
  const issued = state.issuer.issue({ audience: request.audience });
  exchange.entry.issuedToken = {
    tokenId: issued.tokenId,
    audience: issued.claims.aud,
    clientId: issued.claims.client_id,
    expiresAt: issued.claims.exp,
  };
  if (tool === 'azd') return azdTokenOutput(issued.token, issued.claims.exp);
  return azTokenOutput({
    token: issued.token,
    expiresOn: issued.claims.exp,
    tenant: request.tenant ?? issued.claims.tid,
    ...(request.tenant === undefined ? { subscription: subscriptionId(request.subscription) } : {}),
  });
}

function subscriptionId(subscription: string | undefined): string {
  if (subscription === undefined) return DEFAULT_SUBSCRIPTION_ID;
  return GUID.test(subscription) ? subscription : deterministicGuid(`subscription:${subscription}`);
}

function answer(exchange: Exchange, status: number, outcome: CliOutcome): void {
  const message = outcome.stderr.trim();
  exchange.send(status, { ...outcome, ...(message === '' ? {} : { message }) });
}
