import type { ModelEndpointKind } from './endpoint-kind.js';
import type { Fault } from './fault.js';

/** One message of a conversation, with its content flattened to text. */
export interface ModelMessage {
  /** `system`, `developer`, `user`, `assistant` or `tool`, as the client sent it. */
  role: string;
  /** The text of the message; multi-part content is joined with newlines. */
  content: string;
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

/** A scripted model reply. */
export interface ModelReply {
  /** The text the model answers. Anything goes, including malformed JSON. */
  text: string;
  /** Token counts to report; estimated when absent. */
  usage?: ModelUsage;
  /**
   * Why the model stopped: `stop` (default) or `length` (reported as `finish_reason: "length"`,
   * `stop_reason: "max_tokens"`, or an incomplete response).
   */
  finishReason?: 'stop' | 'length';
}

/** A script step that answers the request with a fault instead of a reply. */
export interface ScriptedFault {
  /** The fault to apply to this one request. */
  fault: Fault;
}

/** One step of a script: a reply text, a reply with details, or a fault. */
export type ScriptStep = string | ModelReply | ScriptedFault;

/** A function that decides the reply from the request. It may be async; a throw answers 500. */
export type ModelScriptFunction = (request: ModelRequest) => ScriptStep | Promise<ScriptStep>;

/**
 * How the emulated models answer: a list of steps consumed in order, one per model request
 * (when it runs out, requests get a non-retryable 400 saying the script is exhausted), or a
 * function of the request.
 */
export type ModelScript = readonly ScriptStep[] | ModelScriptFunction;
