import type {
  ChatMessage,
  ChatModel,
  ChatRequest,
  ChatResponse,
  ChatUsage,
  ProviderName,
} from '@bots/providers';

/** A reply in the loop's protocol, written as an object; it is sent as JSON. */
export interface ProtocolReply {
  task_done: boolean;
  thoughts: string;
  command: string;
}

/** What a script step may give: raw text, a protocol object, or a whole response. */
export type ScriptedReply = string | ProtocolReply | ChatResponse;

/** One call the scripted model received. */
export interface RecordedCall {
  /** Position of the call, from 0. */
  index: number;
  /** A copy of the conversation sent. */
  messages: ChatMessage[];
  /** Whether JSON mode was asked for. */
  json: boolean | undefined;
  /** The temperature asked for. */
  temperature: number | undefined;
  /** The output token limit asked for. */
  maxOutputTokens: number | undefined;
  /** The call's signal (check `aborted` in tests). */
  signal: AbortSignal | undefined;
}

/** Computes a reply from the conversation; may wait (and should honour `request.signal`). */
export type ReplyFunction = (
  request: ChatRequest,
  call: RecordedCall,
) => ScriptedReply | Promise<ScriptedReply>;

/** Options of `ScriptedChatModel`. */
export interface ScriptedChatModelOptions {
  /** Replies in order (a function entry computes its reply), or one function for every call. */
  replies: readonly (ScriptedReply | ReplyFunction)[] | ReplyFunction;
  /** Reported provider. Default `openai`. */
  provider?: ProviderName;
  /** Reported model name. Default `scripted`. */
  name?: string;
  /** Usage reported with replies that do not carry their own. Default: none. */
  usage?: ChatUsage;
}

/**
 * A `ChatModel` for tests: answers from a script and records every call. No network. When the
 * script is used up, a call rejects with an error that says so. A call whose signal is aborted
 * rejects with the signal's reason.
 *
 * @example
 * const model = new ScriptedChatModel({ replies: [commandReply('ls'), answerReply('two files')] });
 */
export class ScriptedChatModel implements ChatModel {
  readonly provider: ProviderName;
  readonly name: string;
  /** Every call received, oldest first. */
  readonly calls: RecordedCall[] = [];
  readonly #replies: ScriptedChatModelOptions['replies'];
  readonly #usage: ChatUsage | undefined;

  constructor(options: ScriptedChatModelOptions) {
    this.#replies = options.replies;
    this.provider = options.provider ?? 'openai';
    this.name = options.name ?? 'scripted';
    this.#usage = options.usage;
  }

  /** The messages of call `index` (default: the last call). */
  messagesOf(index = this.calls.length - 1): ChatMessage[] {
    const call = this.calls[index];
    if (!call) throw new Error(`ScriptedChatModel received no call ${index}.`);
    return call.messages;
  }

  /** The last user message of call `index` (default: the last call). */
  lastUserMessage(index = this.calls.length - 1): string {
    const messages = this.messagesOf(index).filter((message) => message.role === 'user');
    return messages[messages.length - 1]?.content ?? '';
  }

  async complete(request: ChatRequest): Promise<ChatResponse> {
    const call: RecordedCall = {
      index: this.calls.length,
      messages: request.messages.map((message) => ({ ...message })),
      json: request.json,
      temperature: request.temperature,
      maxOutputTokens: request.maxOutputTokens,
      signal: request.signal,
    };
    this.calls.push(call);
    request.signal?.throwIfAborted();
    let entry: ScriptedReply | ReplyFunction | undefined;
    if (typeof this.#replies === 'function') entry = this.#replies;
    else {
      entry = this.#replies[call.index];
      if (entry === undefined) {
        throw new Error(
          `ScriptedChatModel has no reply for call ${call.index + 1}: the script has ${this.#replies.length}.`,
        );
      }
    }
    const reply = typeof entry === 'function' ? await entry(request, call) : entry;
    request.signal?.throwIfAborted();
    return this.#toResponse(reply);
  }

  #toResponse(reply: ScriptedReply): ChatResponse {
    if (typeof reply === 'string') return withUsage({ text: reply }, this.#usage);
    if ('text' in reply && typeof reply.text === 'string') {
      return reply.usage ? reply : withUsage({ text: reply.text }, this.#usage);
    }
    return withUsage({ text: JSON.stringify(reply) }, this.#usage);
  }
}

function withUsage(response: ChatResponse, usage: ChatUsage | undefined): ChatResponse {
  return usage ? { ...response, usage: { ...usage } } : response;
}

/** A protocol reply that runs `command`. */
export function commandReply(command: string, thoughts = `Running: ${command}`): ProtocolReply {
  return { task_done: false, thoughts, command };
}

/** A protocol reply that ends the task with `answer`. */
export function answerReply(answer: string): ProtocolReply {
  return { task_done: true, thoughts: answer, command: '' };
}

/** A reply function that never answers until its call is aborted (for timeout and abort tests). */
export function hangingReply(): ReplyFunction {
  return (request) =>
    new Promise<never>((_, reject) => {
      const signal = request.signal;
      if (!signal) return;
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
}
