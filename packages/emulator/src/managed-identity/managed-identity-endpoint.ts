import { applyFault } from '../apply-fault.js';
import type { EmulatorState } from '../emulator-state.js';
import type { Exchange } from '../exchange.js';
import { readForm } from '../read-form.js';
import { appServiceProtocol } from './app-service-protocol.js';
import { azureArcProtocol } from './azure-arc-protocol.js';
import { azureMlProtocol } from './azure-ml-protocol.js';
import { cloudShellProtocol } from './cloud-shell-protocol.js';
import { chooseIdentity } from './identity-selector.js';
import { imdsProtocol } from './imds-protocol.js';
import type { ManagedIdentitySource } from './managed-identity-source.js';
import type { ManagedIdentityProtocol, Refusal } from './protocol.js';

const PROTOCOLS: Record<ManagedIdentitySource, ManagedIdentityProtocol> = {
  'app-service': appServiceProtocol,
  imds: imdsProtocol,
  'cloud-shell': cloudShellProtocol,
  'azure-ml': azureMlProtocol,
  'azure-arc': azureArcProtocol,
};

const MAX_FORM_BYTES = 64 * 1024;

/**
 * Serves a token request in one managed-identity shape: the shape's secret or header, injected
 * faults, `api-version`, `resource`, the identity asked for, the shape's challenge (Arc), and the
 * token in the shape's own body.
 */
export async function handleManagedIdentityRequest(
  exchange: Exchange,
  source: ManagedIdentitySource,
  state: EmulatorState,
): Promise<void> {
  state.counters.tokenRequests += 1;
  exchange.entry.source = source;
  const protocol = PROTOCOLS[source];
  const parameters =
    source === 'cloud-shell' ? await readLoggedForm(exchange) : exchange.url.searchParams;
  if (parameters === undefined) {
    return refuse(exchange, {
      status: 413,
      body: { error: 'invalid_request', error_description: 'The request body is too large.' },
      message: 'The request body is too large.',
    });
  }
  const denied = protocol.authenticate(exchange, state);
  if (denied !== undefined) return refuse(exchange, denied);
  const fault = state.faults.take('identity');
  if (fault !== undefined && (await applyFault(exchange, fault, 'identity', ''))) return;

  const wrongVersion = protocol.checkApiVersion(
    exchange.url.searchParams.get('api-version'),
    exchange,
  );
  if (wrongVersion !== undefined) return refuse(exchange, wrongVersion);
  const resource = parameters.get('resource');
  if (resource === null || resource.trim() === '')
    return refuse(exchange, protocol.missingResource());

  const { userAssignedIdentities, systemClientId } = state.managedIdentity;
  const choice = chooseIdentity(source, parameters, userAssignedIdentities, systemClientId);
  if (choice.selector !== undefined) exchange.entry.userAssignedIdentity = choice.selector;
  if (choice.kind === 'unknown') return refuse(exchange, protocol.unknownIdentity());
  const challenged = protocol.challenge?.(exchange, state);
  if (challenged !== undefined) return refuse(exchange, challenged);

  const issued = state.issuer.issue({
    audience: resource,
    ...(choice.kind === 'user-assigned'
      ? { clientId: choice.identity.clientId, objectId: choice.identity.objectId }
      : {}),
  });
  exchange.entry.issuedToken = {
    tokenId: issued.tokenId,
    audience: issued.claims.aud,
    clientId: issued.claims.client_id,
    expiresAt: issued.claims.exp,
  };
  exchange.send(200, protocol.tokenBody(issued, resource));
}

function refuse(exchange: Exchange, refusal: Refusal): void {
  exchange.send(refusal.status, refusal.body, refusal.headers, refusal.contentType);
  exchange.entry.errorMessage = refusal.message;
}

async function readLoggedForm(exchange: Exchange): Promise<URLSearchParams | undefined> {
  const form = await readForm(exchange, MAX_FORM_BYTES);
  if (form !== undefined) exchange.entry.body = Object.fromEntries(form);
  return form;
}
