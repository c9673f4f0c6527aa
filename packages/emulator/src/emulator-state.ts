import type { AuthPolicy } from './authenticate-request.js';
import type { AuthorityState } from './authority/authority-state.js';
import type { CliLoginState } from './cli/cli-login.js';
import type { EmulatorUrls } from './emulator.js';
import type { EmulatorApiKeys } from './emulator-options.js';
import type { ModelEndpointKind } from './endpoint-kind.js';
import type { FaultQueue } from './fault-queue.js';
import type { ManagedIdentityState } from './managed-identity/managed-identity-state.js';
import type { RequestLog } from './request-log.js';
import type { ScriptRunner } from './script-runner.js';
import type { SigningKey } from './signing-key.js';
import type { TokenIssuer } from './token-issuer.js';

/** What the request handlers share (internal). */
export interface EmulatorState {
  clock: () => number;
  apiKeys: EmulatorApiKeys;
  identityHeader: string;
  policies: Record<ModelEndpointKind, AuthPolicy>;
  deployments: readonly string[] | undefined;
  ollamaModels: readonly string[];
  issuer: TokenIssuer;
  signingKey: SigningKey;
  log: RequestLog;
  faults: FaultQueue;
  script: ScriptRunner;
  urls: EmulatorUrls;
  counters: { sequence: number; tokenRequests: number };
  authority: AuthorityState;
  cliLogin: CliLoginState;
  managedIdentity: ManagedIdentityState;
}
