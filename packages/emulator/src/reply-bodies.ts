import { createHash, randomBytes } from 'node:crypto';
import type { ModelMessage } from './model-script.js';
import type { ResolvedReply } from './resolved-reply.js';

/** Token counts of one exchange, estimated where the script gave none. */
export interface ReplyUsage {
  inputTokens: number;
  outputTokens: number;
}

/** What every reply body is built from. */
export interface ReplyContext {
  model: string;
  reply: ResolvedReply;
  usage: ReplyUsage;
  /** Seconds since the epoch. */
  createdAt: number;
}

/** Rough token count: four characters a token, at least one for non-empty text. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

/** The usage to report: the script's counts, or estimates from the conversation and reply. */
export function replyUsage(messages: readonly ModelMessage[], reply: ResolvedReply): ReplyUsage {
  const prompt = messages
    .flatMap((message) => [message.content, ...(message.toolCalls ?? []).map(callText)])
    .join('\n');
  const output = [reply.text, ...reply.toolCalls.map(callText)].join('\n');
  return {
    inputTokens: reply.usage?.inputTokens ?? estimateTokens(prompt),
    outputTokens: reply.usage?.outputTokens ?? estimateTokens(output),
  };
}

function callText(call: { name: string; arguments: string }): string {
  return `${call.name} ${call.arguments}`;
}

/** The content filter's verdict on every category, as Azure OpenAI reports it: all safe. */
export const AZURE_CONTENT_FILTER_RESULTS = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
} as const;

const CHAT_FINISH_REASONS = { stop: 'stop', length: 'length', 'tool-calls': 'tool_calls' } as const;

/** A `chat.completion` object; Azure adds its content-filter results. */
export function chatCompletionBody(context: ReplyContext, azure: boolean): Record<string, unknown> {
  const { model, reply, usage, createdAt } = context;
  const filterResults = AZURE_CONTENT_FILTER_RESULTS;
  const calls = reply.toolCalls.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
  return {
    id: `chatcmpl-${randomBytes(12).toString('base64url')}`,
    object: 'chat.completion',
    created: createdAt,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.text === '' && calls.length > 0 ? null : reply.text,
          refusal: null,
          annotations: [],
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        },
        logprobs: null,
        finish_reason: CHAT_FINISH_REASONS[reply.finishReason],
        ...(azure ? { content_filter_results: filterResults } : {}),
      },
    ],
    usage: {
      prompt_tokens: usage.inputTokens,
      completion_tokens: usage.outputTokens,
      total_tokens: usage.inputTokens + usage.outputTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
    system_fingerprint: 'fp_emulator',
    ...(azure
      ? { prompt_filter_results: [{ prompt_index: 0, content_filter_results: filterResults }] }
      : {}),
  };
}

/** A `response` object of the responses API: an output message, then a `function_call` per call. */
export function responseBody(
  context: ReplyContext,
  request: Record<string, unknown>,
): Record<string, unknown> {
  const { model, reply, usage, createdAt } = context;
  const incomplete = reply.finishReason === 'length';
  const status = incomplete ? 'incomplete' : 'completed';
  const output: Record<string, unknown>[] = [];
  if (reply.text !== '' || reply.toolCalls.length === 0) {
    output.push({
      type: 'message',
      id: `msg_${randomBytes(24).toString('hex')}`,
      status,
      role: 'assistant',
      content: [{ type: 'output_text', text: reply.text, annotations: [], logprobs: [] }],
    });
  }
  for (const call of reply.toolCalls) {
    output.push({
      type: 'function_call',
      id: `fc_${randomBytes(24).toString('hex')}`,
      status: 'completed',
      arguments: call.arguments,
      call_id: call.id,
      name: call.name,
    });
  }
  return {
    id: `resp_${randomBytes(24).toString('hex')}`,
    object: 'response',
    created_at: createdAt,
    status,
    error: null,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: request['instructions'] ?? null,
    max_output_tokens: request['max_output_tokens'] ?? null,
    model,
    output,
    parallel_tool_calls: true,
    previous_response_id: request['previous_response_id'] ?? null,
    reasoning: { effort: null, summary: null },
    store: request['store'] ?? true,
    temperature: request['temperature'] ?? 1,
    text: request['text'] ?? { format: { type: 'text' } },
    tool_choice: request['tool_choice'] ?? 'auto',
    tools: Array.isArray(request['tools']) ? request['tools'] : [],
    top_p: request['top_p'] ?? 1,
    truncation: 'disabled',
    usage: {
      input_tokens: usage.inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: usage.outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: usage.inputTokens + usage.outputTokens,
    },
    user: null,
    metadata: request['metadata'] ?? {},
  };
}

/** An Anthropic `message` object: a text block, then a `tool_use` block per call. */
export function anthropicMessageBody(context: ReplyContext): Record<string, unknown> {
  const { model, reply, usage } = context;
  const content: Record<string, unknown>[] = [];
  if (reply.text !== '' || reply.toolCalls.length === 0) {
    content.push({ type: 'text', text: reply.text });
  }
  for (const call of reply.toolCalls) {
    content.push({ type: 'tool_use', id: call.id, name: call.name, input: call.input ?? {} });
  }
  return {
    id: `msg_${randomBytes(18).toString('base64url')}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: ANTHROPIC_STOP_REASONS[reply.finishReason],
    stop_sequence: null,
    usage: {
      input_tokens: usage.inputTokens,
      output_tokens: usage.outputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  };
}

const ANTHROPIC_STOP_REASONS = {
  stop: 'end_turn',
  length: 'max_tokens',
  'tool-calls': 'tool_use',
} as const;

/** A native Ollama `/api/chat` answer (the final, `done: true` one). */
export function ollamaChatBody(context: ReplyContext): Record<string, unknown> {
  const { model, reply, usage, createdAt } = context;
  return {
    model,
    created_at: new Date(createdAt * 1000).toISOString(),
    message: {
      role: 'assistant',
      content: reply.text,
      ...(reply.toolCalls.length > 0
        ? {
            tool_calls: reply.toolCalls.map((call) => ({
              function: { name: call.name, arguments: call.input ?? {} },
            })),
          }
        : {}),
    },
    done_reason: reply.finishReason === 'length' ? 'length' : 'stop',
    done: true,
    total_duration: 1_000_000,
    load_duration: 100_000,
    prompt_eval_count: usage.inputTokens,
    prompt_eval_duration: 400_000,
    eval_count: usage.outputTokens,
    eval_duration: 500_000,
  };
}

/** The native Ollama `/api/tags` answer listing the local models. */
export function ollamaTagsBody(models: readonly string[]): Record<string, unknown> {
  return {
    models: models.map((name) => ({
      name,
      model: name,
      modified_at: new Date(0).toISOString(),
      size: 0,
      digest: createHash('sha256').update(name).digest('hex'),
      details: {
        parent_model: '',
        format: 'gguf',
        family: name.split(/[:.\d]/)[0] ?? name,
        families: null,
        parameter_size: 'unknown',
        quantization_level: 'unknown',
      },
    })),
  };
}
