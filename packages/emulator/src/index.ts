export { AI_FOUNDRY_AUDIENCE, COGNITIVE_SERVICES_AUDIENCE } from './audience.js';
export type { AuthSummary } from './auth-summary.js';
export type { EmulatorApplication, EmulatorFederatedCredential } from './authority/applications.js';
export type {
  EmulatorApplicationCredentials,
  EmulatorAuthority,
  FederatedTokenFileOptions,
} from './authority/authority.js';
export type { AuthorityRequestSummary } from './authority/authority-request-summary.js';
export { DEFAULT_APPLICATION_ID } from './authority/start-authority.js';
export type { CliLogin } from './cli/cli-login.js';
export type { CliStandIns } from './cli/cli-stand-ins.js';
export {
  APPLICATION_SHAPES,
  CLI_SHAPES,
  CREDENTIAL_SHAPES,
  type CredentialShape,
} from './credential-env.js';
export type { Emulator, EmulatorUrls } from './emulator.js';
export {
  DEFAULT_API_KEYS,
  DEFAULT_API_VERSION,
  type EmulatorApiKeys,
  type EmulatorOptions,
} from './emulator-options.js';
export {
  type EndpointKind,
  isModelEndpointKind,
  MODEL_ENDPOINT_KINDS,
  type ModelEndpointKind,
} from './endpoint-kind.js';
export type { Fault, InjectedFault, InjectFaultOptions } from './fault.js';
export type { IssuedToken, IssueTokenOptions, TokenVerification } from './issued-token.js';
export { AZURE_ARC_KEY_FOLDER, AzureArcKeyFolderError } from './managed-identity/arc-key-file.js';
export type { IdentitySelector } from './managed-identity/identity-selector.js';
export {
  MANAGED_IDENTITY_SOURCES,
  type ManagedIdentitySource,
} from './managed-identity/managed-identity-source.js';
export {
  DEFAULT_USER_ASSIGNED_IDENTITY,
  type UserAssignedIdentity,
  type UserAssignedIdentityOptions,
} from './managed-identity/user-assigned-identity.js';
export type {
  ModelMessage,
  ModelReply,
  ModelRequest,
  ModelScript,
  ModelScriptFunction,
  ModelToolCall,
  ModelUsage,
  ModelWire,
  ScriptedFault,
  ScriptedToolCall,
  ScriptStep,
} from './model-script.js';
export type { RecordedRequest } from './recorded-request.js';
export { RequestLog } from './request-log.js';
export { DEFAULT_REPLY_TEXT } from './script-runner.js';
export { DEFAULT_CLIENT_ID, DEFAULT_TENANT_ID, startEmulator } from './start-emulator.js';
export type { TokenClaims } from './token-claims.js';
