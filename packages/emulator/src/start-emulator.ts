import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authPolicies } from './auth-policies.js';
import type { AuthorityState } from './authority/authority-state.js';
import {
  checkAuthoritySettings,
  type RunningAuthority,
  startAuthority,
} from './authority/start-authority.js';
import { applyCliLogin } from './cli/cli-login.js';
import { CliStandInWriter } from './cli/cli-stand-ins.js';
import { credentialEnv } from './credential-env.js';
import type { Emulator, EmulatorUrls } from './emulator.js';
import { emulatorEnvironment, keyEnvironment } from './emulator-environment.js';
import {
  DEFAULT_API_KEYS,
  DEFAULT_API_VERSION,
  type EmulatorApiKeys,
  type EmulatorOptions,
} from './emulator-options.js';
import type { EmulatorState } from './emulator-state.js';
import { FaultQueue } from './fault-queue.js';
import { createRequestHandler } from './handle-request.js';
import { ArcKeyFile } from './managed-identity/arc-key-file.js';
import { defaultAzureMlSecret } from './managed-identity/managed-identity-state.js';
import { registerUserAssignedIdentities } from './managed-identity/user-assigned-identity.js';
import { RequestLog } from './request-log.js';
import { CLI_TOKEN_PATH, IDENTITY_PATH, JWKS_PATH } from './routes.js';
import { ScriptRunner } from './script-runner.js';
import { listen, stop } from './server-lifecycle.js';
import { createSigningKey, sharedSigningKey } from './signing-key.js';
import { TokenIssuer } from './token-issuer.js';

/** The tenant id in tokens when `tenantId` is not given (a fake, fixed GUID). */
export const DEFAULT_TENANT_ID = '00000000-e1e1-4e1e-8e1e-000000000001';

/** The system-assigned identity's client id when `clientId` is not given (a fake, fixed GUID). */
export const DEFAULT_CLIENT_ID = '00000000-c11e-4c1e-8c1e-000000000002';

// One per process, like the signing key: @azure/msal-node pins the identity endpoint and header
// it first used for the whole process.
const processIdentityHeader = randomUUID();

/**
 * Starts the emulator: a managed-identity endpoint and model endpoints on one loopback port, an
 * Ollama stand-in on another, and a local Entra ID authority (https) on a third. Close it with
 * `close()`.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? Date.now;
  const apiKeys: EmulatorApiKeys = { ...DEFAULT_API_KEYS, ...definedEntries(options.apiKeys) };
  const identityHeader = options.identityHeader ?? processIdentityHeader;
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  if (!(lifetime > 0)) {
    throw new RangeError(`tokenLifetimeSeconds must be positive, got ${lifetime}.`);
  }
  const authorityPort = options.authorityPort ?? 0;
  if (!Number.isInteger(authorityPort) || authorityPort < 0 || authorityPort > 65535) {
    throw new RangeError(`authorityPort must be an integer from 0 to 65535, got ${authorityPort}.`);
  }
  const tenantId = options.tenantId ?? DEFAULT_TENANT_ID;
  checkAuthoritySettings({
    tenantId,
    tenants: options.tenants,
    applications: options.applications,
  });
  const signingKey = options.uniqueSigningKey ? await createSigningKey() : await sharedSigningKey();
  const systemClientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const userAssignedIdentities = registerUserAssignedIdentities(
    options.userAssignedIdentities,
    tenantId,
    systemClientId,
  );
  const issuer = new TokenIssuer({
    signingKey,
    clock,
    tenantId,
    clientId: systemClientId,
    defaultLifetimeSeconds: lifetime,
  });
  const state: EmulatorState = {
    clock,
    apiKeys,
    identityHeader,
    policies: authPolicies(apiKeys, options.audiences),
    deployments: options.deployments,
    ollamaModels: options.ollamaModels ?? ['llama3.2:latest'],
    issuer,
    signingKey,
    log: new RequestLog(),
    faults: new FaultQueue(),
    script: new ScriptRunner(options.script),
    urls: undefined as unknown as EmulatorUrls,
    counters: { sequence: 0, tokenRequests: 0 },
    authority: undefined as unknown as AuthorityState,
    cliLogin: { az: true, azd: true },
    managedIdentity: {
      userAssignedIdentities,
      systemClientId,
      azureMlSecret: defaultAzureMlSecret(),
      arcKey: new ArcKeyFile(),
    },
  };

  const main = createServer(createRequestHandler(state, 'main'));
  const ollama = createServer(createRequestHandler(state, 'ollama'));
  await listen(main, options.port ?? 0, host);
  let authority: RunningAuthority;
  try {
    await listen(ollama, options.ollamaPort ?? 0, host);
    authority = await startAuthority(state, {
      host,
      port: authorityPort,
      tenantId,
      tenants: options.tenants,
      applications: options.applications,
    });
  } catch (error) {
    await Promise.all([stop(main), stop(ollama)]);
    throw error;
  }
  const base = origin(host, main);
  const urls: EmulatorUrls = {
    base,
    identity: `${base}${IDENTITY_PATH}`,
    jwks: `${base}${JWKS_PATH}`,
    azureOpenAI: base,
    azureOpenAIv1: `${base}/openai/v1`,
    anthropicFoundry: `${base}/anthropic`,
    anthropic: base,
    openai: `${base}/v1`,
    ollama: origin(host, ollama),
  };
  state.urls = urls;
  const env = Object.freeze(emulatorEnvironment(urls, identityHeader, apiVersion));
  const keyEnv = Object.freeze(keyEnvironment(apiKeys));
  const cliStandIns = new CliStandInWriter(() => ({
    endpoint: `${base}${CLI_TOKEN_PATH}`,
    identityHeader,
    nodePath: process.execPath,
  }));
  let closing: Promise<void> | undefined;

  return {
    urls: Object.freeze(urls),
    env,
    keyEnv,
    apiKeys: Object.freeze({ ...apiKeys }),
    identityHeader,
    apiVersion,
    requests: state.log,
    get tokenRequestCount() {
      return state.counters.tokenRequests;
    },
    authority: authority.authority,
    application: authority.application,
    writeFederatedTokenFile: (fileOptions) => authority.writeFederatedTokenFile(fileOptions),
    publicJwk: signingKey.publicJwk,
    setScript: (script) => state.script.set(script),
    inject: (fault, injectOptions) => state.faults.inject(fault, injectOptions),
    clearFaults: () => state.faults.clear(),
    revokeIssuedTokens: () => issuer.revokeIssued(),
    setTokenLifetime: (seconds) => issuer.setDefaultLifetime(seconds),
    issueToken: (issueOptions) => issuer.issue(issueOptions),
    verifyToken: (token) => issuer.verify(token),
    writeCliStandIns: (folder) => cliStandIns.write(folder),
    setCliLogin: (login) => applyCliLogin(state.cliLogin, login),
    userAssignedIdentity: userAssignedIdentities[0],
    userAssignedIdentities,
    credentialEnv: (shape) =>
      credentialEnv(shape, state, {
        authority: authority.authority,
        application: authority.application,
        writeFederatedTokenFile: () => authority.writeFederatedTokenFile(),
        writeCliStandIns: () => cliStandIns.write(),
      }),
    close: () => {
      closing ??= Promise.all([stop(main), stop(ollama), authority.close()]).then(() => {
        state.managedIdentity.arcKey.remove();
        return cliStandIns.close();
      });
      return closing;
    },
  };
}

function origin(host: string, server: Server): string {
  const { port } = server.address() as AddressInfo;
  const hostname = host.includes(':') ? `[${host}]` : host;
  return `http://${hostname}:${port}`;
}

function definedEntries<T extends object>(value: Partial<T> | undefined): Partial<T> {
  if (value === undefined) return {};
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}
