import type { ModelEndpointKind } from './endpoint-kind.js';
import type { Fault } from './fault.js';

/** A tool call the assistant made earlier in the conversation, as the client sent it back. */
export interface ModelToolCall {
  /** The call's id (`tool_calls[].id`, `call_id`, `tool_use.id`). */
  id: string;
  /** The name of the tool called. */
  name: string;
  /** The arguments as JSON text (Anthropic's `input` object is serialised). */
  arguments: string;
}

/** One message of a conversation, with its content flattened to text. */
export interface ModelMessage {
  /**
   * `system`, `developer`, `user`, `assistant` or `tool`, as the client sent it. A tool result is
   * a `tool` message whatever the wire: chat `role: "tool"`, a responses `function_call_output`
   * (or `custom_tool_call_output`) item, an Anthropic `tool_result` block.
   */
  role: string;
  /** The text of the message; multi-part content is joined with newlines. */
  content: string;
  /** For a `tool` message: the id of the call it answers. */
  toolCallId?: string;
  /** For a `tool` message: the name of the tool, when an earlier call with that id names it. */
  toolName?: string;
  /** For an `assistant` message: the tool calls it made. */
  toolCalls?: ModelToolCall[];
}

/** The wire format a model request arrived in. */
export type ModelWire = 'chat-completions' | 'responses' | 'messages' | 'ollama-chat';

/** What a script function is given for each model request. */
export interface ModelRequest {
  /** The endpoint the request was addressed to. */
  kind: ModelEndpointKind;
  /** The wire format of the request. */
  wire: ModelWire;
  /** The deployment (Azure dated API) or the `model` field of the body. */
  model: string;
  /**
   * The conversation, flattened: a `system` message first when the client sent one through a
   * separate field (`instructions` of the responses API, `system` of the Anthropic API).
   */
  messages: ModelMessage[];
  /**
   * The names of the tools the request offers (`tools[]`: functions, custom and built-in tools by
   * name; a built-in tool without a name by its `type`), in the order sent.
   */
  tools: string[];
  /**
   * Whether the client asked for a stream: `stream: true` (or, on Ollama's native `/api/chat`,
   * which streams by default, anything but `stream: false`).
   */
  stream: boolean;
  /** The parsed JSON body, as sent. */
  body: Record<string, unknown>;
}

/** Token counts to report in a reply; missing counts are estimated from the text (4 chars a token). */
export interface ModelUsage {
  /** Prompt tokens (`prompt_tokens`, `input_tokens`, `prompt_eval_count`). */
  inputTokens?: number;
  /** Completion tokens (`completion_tokens`, `output_tokens`, `eval_count`). */
  outputTokens?: number;
}

/** A tool call for a scripted reply to make. */
export interface ScriptedToolCall {
  /** The name of the tool to call: one of the request's `tools`, normally. Required. */
  name: string;
  /**
   * The arguments: an object (serialised as JSON) or JSON text, sent as is on the OpenAI wires
   * (malformed text included); on the Anthropic wire it must parse to an object. Default `{}`.
   */
  arguments?: Record<string, unknown> | string;
  /** The call's id; generated in the wire's own shape (`call_…`, `toolu_…`) when absent. */
  id?: string;
}

/** A scripted model reply: text, tool calls, or both. */
export interface ModelReply {
  /**
   * The text the model answers. Anything goes, including malformed JSON. Required unless
   * `toolCalls` is given (then it defaults to no text).
   */
  text?: string;
  /**
   * Tool calls to make after the text: `tool_calls` with `finish_reason: "tool_calls"` (chat
   * completions), `function_call` output items (responses), `tool_use` blocks with
   * `stop_reason: "tool_use"` (Anthropic), `message.tool_calls` (Ollama's `/api/chat`).
   */
  toolCalls?: readonly ScriptedToolCall[];
  /** Token counts to report; estimated when absent. */
  usage?: ModelUsage;
  /**
   * Why the model stopped: `stop` (the default, or the wire's tool-call reason when the reply
   * calls tools) or `length` (reported as `finish_reason: "length"`, `stop_reason: "max_tokens"`,
   * or an incomplete response).
   */
  finishReason?: 'stop' | 'length';
}

/** A script step that answers the request with a fault instead of a reply. */
export interface ScriptedFault {
  /** The fault to apply to this one request. */
  fault: Fault;
}

/** One step of a script: a reply text, a reply with details (or tool calls), or a fault. */
export type ScriptStep = string | ModelReply | ScriptedFault;

/** A function that decides the reply from the request. It may be async; a throw answers 500. */
export type ModelScriptFunction = (request: ModelRequest) => ScriptStep | Promise<ScriptStep>;

/**
 * How the emulated models answer: a list of steps consumed in order, one per model request
 * (when it runs out, requests get a non-retryable 400 saying the script is exhausted), or a
 * function of the request.
 */
export type ModelScript = readonly ScriptStep[] | ModelScriptFunction;
