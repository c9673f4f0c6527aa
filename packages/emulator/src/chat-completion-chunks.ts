import { AZURE_CONTENT_FILTER_RESULTS } from './reply-bodies.js';
import type { ServerSentEvent } from './sse-writer.js';
import { textDeltas } from './text-deltas.js';

/** The parts of a `chat.completion` body (see `chatCompletionBody`) that its chunks carry. */
interface ChatCompletion {
  id: string;
  created: number;
  model: string;
  system_fingerprint: string;
  choices: [
    {
      message: {
        content: string | null;
        tool_calls?: {
          id: string;
          type: 'function';
          function: { name: string; arguments: string };
        }[];
      };
      finish_reason: string;
    },
  ];
  usage: Record<string, unknown>;
}

/** How the chunks are shaped. */
export interface ChatChunkOptions {
  /** Azure OpenAI's shape: a prompt-filter chunk first, content-filter results on every choice. */
  azure: boolean;
  /** `stream_options.include_usage`: `usage: null` on every chunk, then a chunk with the usage. */
  includeUsage: boolean;
}

/**
 * The `chat.completion.chunk` events that stream a chat completion: the role, the content in
 * pieces, each tool call (id, name, then its arguments in pieces), the finish reason, the usage
 * when asked, then `[DONE]`.
 */
export function chatCompletionChunks(
  completion: Record<string, unknown>,
  options: ChatChunkOptions,
): ServerSentEvent[] {
  const { id, created, model, system_fingerprint, choices, usage } =
    completion as unknown as ChatCompletion;
  const { message, finish_reason } = choices[0];
  const filter = (results: object) => (options.azure ? { content_filter_results: results } : {});
  const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    ...(options.azure ? {} : { service_tier: 'default' }),
    system_fingerprint,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: null, ...extra }],
    ...(options.includeUsage ? { usage: null } : {}),
  });

  const chunks: unknown[] = [];
  if (options.azure) {
    chunks.push({
      choices: [],
      created: 0,
      id: '',
      model: '',
      object: '',
      prompt_filter_results: [
        { prompt_index: 0, content_filter_results: AZURE_CONTENT_FILTER_RESULTS },
      ],
    });
  }
  const text = message.content ?? '';
  chunks.push(
    chunk(
      { role: 'assistant', content: message.content === null ? null : '', refusal: null },
      filter({}),
    ),
  );
  for (const piece of textDeltas(text)) {
    chunks.push(chunk({ content: piece }, filter(AZURE_CONTENT_FILTER_RESULTS)));
  }
  (message.tool_calls ?? []).forEach((call, index) => {
    chunks.push(
      chunk({
        tool_calls: [
          {
            index,
            id: call.id,
            type: 'function',
            function: { name: call.function.name, arguments: '' },
          },
        ],
      }),
    );
    for (const piece of textDeltas(call.function.arguments)) {
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  chunks.push(chunk({}, { finish_reason, ...filter({}) }));
  if (options.includeUsage) chunks.push({ ...chunk({}), choices: [], usage });
  return [...chunks.map((data) => ({ data })), { data: '[DONE]' }];
}
