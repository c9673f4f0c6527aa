import { renderMarkdownTable } from './markdown-table.js';
import type { ProviderDefinition } from './provider-definition.js';
import { builtInProviders, type ProviderRegistry, takesTokens } from './provider-registry.js';
import type { AzureOpenAIApi } from './settings-reading.js';

/** Whether a row applies with a token provider (`yes`), without (`no`), or either (`-`: no auth). */
export type TokenProviderColumn = 'yes' | 'no' | '-';

/** One row of the selection table: which client a model string gets. */
export interface SelectionRow {
  /** `yes`: a token provider is in effect; `no`: none is (a key is used); `-`: no auth at all. */
  tokenProvider: TokenProviderColumn;
  /** The provider of the model string. */
  provider: string;
  /** For azure-openai: which API the endpoint is; `-` elsewhere. */
  api: AzureOpenAIApi | '-';
  /** The client that is built (Markdown). */
  client: string;
  /** What goes on the wire for auth (Markdown). */
  auth: string;
}

/**
 * The selection table of a registry: every provider's rows, those that take tokens first, then
 * those with no auth, then those with keys only (the design's order); within a group, registry
 * order.
 */
export function selectionTableOf(registry: ProviderRegistry): readonly SelectionRow[] {
  const rank = (definition: ProviderDefinition) =>
    takesTokens(definition) ? 0 : definition.keyVariables.length === 0 ? 1 : 2;
  return Object.freeze(
    [...registry]
      .map((definition, index) => ({ definition, index }))
      .sort((a, b) => rank(a.definition) - rank(b.definition) || a.index - b.index)
      .flatMap(({ definition }) => definition.selectionRows),
  );
}

/**
 * The selection table: a model string's provider, whether a token provider is in effect and, for
 * Azure OpenAI, the endpoint's API decide the client. Derived from the built-in providers' rows
 * (`builtInProviders`). `createChatModel` decides with {@link selectRow} over exactly these rows;
 * the README renders them with {@link renderSelectionTable}.
 */
export const selectionTable: readonly SelectionRow[] = selectionTableOf(builtInProviders);

/** The facts that pick a row. */
export interface SelectionInput {
  /** The provider of the model string. */
  provider: string;
  /** A token provider is in effect (explicit, or from `AZURE_AUTH_METHOD`). */
  hasTokenProvider: boolean;
  /** For azure-openai: the endpoint's API. */
  api?: AzureOpenAIApi;
}

/** True when some row of the table uses a token provider for `provider`. */
export function acceptsTokenProvider(provider: string, table = selectionTable): boolean {
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
