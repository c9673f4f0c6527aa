import { renderMarkdownTable } from './markdown-table.js';
import type { ProviderName } from './model-string.js';
import type { AzureOpenAIApi } from './provider-settings.js';

/** Whether a row applies with a token provider (`yes`), without (`no`), or either (`-`: no auth). */
export type TokenProviderColumn = 'yes' | 'no' | '-';

/** One row of the selection table: which client a model string gets. */
export interface SelectionRow {
  /** `yes`: a token provider is in effect; `no`: none is (a key is used); `-`: no auth at all. */
  tokenProvider: TokenProviderColumn;
  /** The provider of the model string. */
  provider: ProviderName;
  /** For azure-openai: which API the endpoint is; `-` elsewhere. */
  api: AzureOpenAIApi | '-';
  /** The client that is built (Markdown). */
  client: string;
  /** What goes on the wire for auth (Markdown). */
  auth: string;
}

/**
 * The selection table: a model string's provider, whether a token provider is in effect and, for
 * Azure OpenAI, the endpoint's API decide the client. `createChatModel` decides with
 * {@link selectRow} over exactly these rows; the README renders them with {@link renderSelectionTable}.
 */
export const selectionTable: readonly SelectionRow[] = [
  {
    tokenProvider: 'yes',
    provider: 'azure-openai',
    api: 'deployments',
    client: '`AzureOpenAI({ azureADTokenProvider, endpoint, apiVersion, deployment })`',
    auth: '`Authorization: Bearer <token>` (scope `https://cognitiveservices.azure.com/.default`)',
  },
  {
    tokenProvider: 'yes',
    provider: 'azure-openai',
    api: 'v1',
    client: '`OpenAI({ baseURL, apiKey: tokenProvider })`',
    auth: '`Authorization: Bearer <token>` (scope `https://ai.azure.com/.default`)',
  },
  {
    tokenProvider: 'no',
    provider: 'azure-openai',
    api: 'deployments',
    client: '`AzureOpenAI({ apiKey, endpoint, apiVersion, deployment })`, key from `OPEN_AI_KEY`',
    auth: '`api-key: <key>`',
  },
  {
    tokenProvider: 'no',
    provider: 'azure-openai',
    api: 'v1',
    client: '`OpenAI({ baseURL, apiKey })`, key from `OPEN_AI_KEY`',
    auth: '`api-key: <key>`',
  },
  {
    tokenProvider: 'yes',
    provider: 'anthropic',
    api: '-',
    client: '`AnthropicFoundry({ azureADTokenProvider, baseURL })`',
    auth: '`Authorization: Bearer <token>` (scope from `AZURE_AUTH_SCOPE` or your provider)',
  },
  {
    tokenProvider: 'no',
    provider: 'anthropic',
    api: '-',
    client: '`Anthropic({ apiKey, baseURL? })`, key from `ANTHROPIC_API_KEY`',
    auth: '`x-api-key: <key>`',
  },
  {
    tokenProvider: '-',
    provider: 'ollama-local',
    api: '-',
    client: 'local HTTP `http://localhost:<LOCAL_MODEL_PORT>/api/chat`',
    auth: 'none',
  },
  {
    tokenProvider: 'no',
    provider: 'openai',
    api: '-',
    client: '`OpenAI({ apiKey, baseURL? })`, key from `OPENAI_API_KEY`',
    auth: '`Authorization: Bearer <key>`',
  },
];

/** The facts that pick a row. */
export interface SelectionInput {
  provider: ProviderName;
  /** A token provider is in effect (explicit, or from `AZURE_AUTH_METHOD`). */
  hasTokenProvider: boolean;
  /** For azure-openai: the endpoint's API. */
  api?: AzureOpenAIApi;
}

/** True when some row of the table uses a token provider for `provider`. */
export function acceptsTokenProvider(provider: ProviderName, table = selectionTable): boolean {
  return table.some((row) => row.provider === provider && row.tokenProvider === 'yes');
}

/**
 * The row that applies. Pure. A token provider is ignored for providers with no `yes` row
 * (`openai`, `ollama-local`).
 */
export function selectRow(input: SelectionInput, table = selectionTable): SelectionRow {
  const usesToken = input.hasTokenProvider && acceptsTokenProvider(input.provider, table);
  const row = table.find(
    (candidate) =>
      candidate.provider === input.provider &&
      (candidate.tokenProvider === '-' || (candidate.tokenProvider === 'yes') === usesToken) &&
      (candidate.api === '-' || candidate.api === (input.api ?? 'deployments')),
  );
  if (!row) {
    throw new Error(
      `No selection-table row for ${JSON.stringify(input)}; the table is incomplete.`,
    );
  }
  return row;
}

const API_LABELS: Record<SelectionRow['api'], string> = {
  deployments: 'dated deployments API (`?api-version=`)',
  v1: 'endpoint ends in `/openai/v1`',
  '-': '-',
};

/** The table as Markdown, as it appears in the README. */
export function renderSelectionTable(table = selectionTable): string {
  const header = ['token provider', 'provider', 'endpoint', 'client', 'auth sent'];
  const rows = table.map((row) => [
    row.tokenProvider,
    row.provider,
    API_LABELS[row.api],
    row.client,
    row.auth,
  ]);
  return renderMarkdownTable(header, rows);
}
