import type { ChatModel } from './chat-model.js';
import { type CreateChatModelOptions, checkChatModelOptions } from './chat-model-options.js';
import { connectChecked } from './connect.js';
import { resolveCheckedConnection } from './resolve-connection.js';

export type { CreateChatModelOptions } from './chat-model-options.js';

/**
 * Builds the chat model a model string names: `connect(await resolveConnection(model, options),
 * options)`. The client is chosen by the selection table (`selectionTable`): a token provider (the
 * `tokenProvider` option, else the one `AZURE_AUTH_METHOD` opts into) or an API key from the env.
 * Everything that would fail on the first call fails here with a `ConfigurationError` that says
 * what to set (`MissingCredentialsError` when there is neither key nor token). The SDKs are
 * imported on first use, not when `@bots/providers` is imported.
 *
 * @example
 * const model = await createChatModel('azure-openai/gpt-4o', { env: process.env });
 * const { text } = await model.complete({ messages: [{ role: 'user', content: 'Hi' }] });
 */
export async function createChatModel(
  model: string,
  options: CreateChatModelOptions = {},
): Promise<ChatModel> {
  const checked = checkChatModelOptions(options);
  return connectChecked(await resolveCheckedConnection(model, checked), checked);
}
