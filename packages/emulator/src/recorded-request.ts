import type { AuthSummary } from './auth-summary.js';
import type { AuthorityRequestSummary } from './authority/authority-request-summary.js';
import type { EndpointKind } from './endpoint-kind.js';
import type { Fault } from './fault.js';
import type { IdentitySelector } from './managed-identity/identity-selector.js';
import type { ManagedIdentitySource } from './managed-identity/managed-identity-source.js';
import type { ModelMessage, ModelToolCall } from './model-script.js';

/** One request the emulator received, as the request log keeps it. Holds no secret in clear. */
export interface RecordedRequest {
  /** 1-based order of arrival across both listeners. */
  sequence: number;
  /** Arrival time, milliseconds since the epoch (the emulator's clock). */
  time: number;
  /** What the request was addressed to. */
  kind: EndpointKind;
  /** The HTTP method. */
  method: string;
  /** The path, without the query string. */
  path: string;
  /** The query parameters. */
  query: Record<string, string>;
  /** The request headers, lower-case names; secret values replaced by a fingerprint. */
  headers: Record<string, string>;
  /** How the request authenticated. */
  auth: AuthSummary;
  /** The status answered; 0 when the connection was reset by a fault. */
  status: number;
  /** The parsed JSON body, when there was one. */
  body?: unknown;
  /** The deployment or model asked for (model endpoints). */
  model?: string;
  /** The conversation, flattened (model endpoints). */
  messages?: ModelMessage[];
  /** The reply text sent (model endpoints that answered 200). */
  replyText?: string;
  /** Whether the answer was streamed (server-sent events, or Ollama's NDJSON lines). */
  streamed?: boolean;
  /** The tool calls the reply made, with the ids sent (model endpoints that answered 200). */
  replyToolCalls?: ModelToolCall[];
  /** The fault applied, injected or scripted. */
  fault?: Fault;
  /** The error message sent, when the status is not 2xx. */
  errorMessage?: string;
  /** For the identity endpoint: the token issued. */
  issuedToken?: { tokenId: string; audience: string; clientId: string; expiresAt: number };
  /** For the local authority: the grant, client, credential kind, outcome and reason. */
  authority?: AuthorityRequestSummary;
  /**
   * For token requests (`kind: 'identity'`): which managed-identity shape was asked (`app-service`,
   * `imds`, ...), or which stand-in (`azure-cli`, `azure-developer-cli`).
   */
  source?: ManagedIdentitySource | 'azure-cli' | 'azure-developer-cli';
  /** For the identity endpoint: the user-assigned identity the request named, if any. */
  userAssignedIdentity?: IdentitySelector;
}
