import { anthropicStreamEvents } from './anthropic-stream-events.js';
import { applyFault } from './apply-fault.js';
import { authenticateRequest } from './authenticate-request.js';
import { claimsChallengeHeader } from './authority/claims-challenge.js';
import { chatCompletionChunks } from './chat-completion-chunks.js';
import type { EmulatorState } from './emulator-state.js';
import { authErrorMessage, type ErrorFamily, errorBody, errorFamilyOf } from './error-bodies.js';
import type { Exchange } from './exchange.js';
import type { ModelReply, ModelRequest } from './model-script.js';
import { offeredToolNames } from './offered-tools.js';
import {
  anthropicMessageBody,
  chatCompletionBody,
  ollamaChatBody,
  type ReplyContext,
  replyUsage,
  responseBody,
} from './reply-bodies.js';
import { requestMessages } from './request-messages.js';
import { resolveReply } from './resolved-reply.js';
import { responseStreamEvents } from './response-stream-events.js';
import type { Route } from './routes.js';
import { sendServerSentEvents } from './sse-writer.js';

type ModelRoute = Extract<Route, { action: 'model' }>;

const DATED_API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/** Serves one model request: auth, validation, faults, the script, the reply. */
export async function handleModelRequest(
  exchange: Exchange,
  route: ModelRoute,
  state: EmulatorState,
): Promise<void> {
  const { kind, wire } = route;
  const policy = state.policies[kind];
  const audience = policy.audiences[0] ?? '';
  const gatewayFamily = errorFamilyOf(kind, 'gateway');
  const family = errorFamilyOf(kind, 'model');
  const fail = (
    status: number,
    message: string,
    options: { family?: ErrorFamily; code?: string; headers?: Record<string, string> } = {},
  ) =>
    exchange.send(
      status,
      errorBody(options.family ?? family, status, message, options.code),
      options.headers,
    );

  const auth = authenticateRequest(exchange.request.headers, policy, (token) =>
    state.issuer.verify(token),
  );
  exchange.entry.auth = auth.summary;
  if (auth.failure !== undefined) {
    const headers: Record<string, string> = {};
    const revokedAt = state.issuer.revokedAtSeconds;
    if (auth.summary.reason === 'token revoked' && revokedAt !== undefined) {
      // Continuous Access Evaluation: a revoked token gets a claims challenge, as Azure sends it.
      headers['www-authenticate'] = claimsChallengeHeader(revokedAt);
    } else if (auth.summary.scheme === 'bearer' && auth.summary.jsonWebToken) {
      headers['www-authenticate'] =
        `Bearer error="invalid_token", error_description="${auth.summary.reason ?? 'invalid token'}"`;
    }
    return fail(401, authErrorMessage(gatewayFamily, auth.failure, audience), {
      family: gatewayFamily,
      headers,
    });
  }

  if (route.requiresApiVersion) {
    const apiVersion = exchange.url.searchParams.get('api-version');
    if (apiVersion === null || apiVersion === '') {
      return fail(404, 'Resource not found', { family: 'azure', code: '404' });
    }
    if (!DATED_API_VERSION.test(apiVersion)) {
      return fail(400, 'API version not supported', { family: 'azure', code: 'BadRequest' });
    }
  }
  if (kind === 'anthropic' && exchange.request.headers['anthropic-version'] === undefined) {
    return fail(400, 'anthropic-version: header is required');
  }

  const read = await exchange.readJsonBody();
  if (!read.ok) return fail(400, read.message);
  const body = read.body ?? {};
  exchange.entry.body = body;
  const model = route.deployment ?? (typeof body['model'] === 'string' ? body['model'] : '');
  if (model !== '') exchange.entry.model = model;
  if (model === '') {
    return fail(
      400,
      wire === 'messages' ? 'model: Field required' : 'you must provide a model parameter',
      {
        code: 'missing_required_parameter',
      },
    );
  }
  if (
    state.deployments !== undefined &&
    (kind === 'azure-openai' || kind === 'azure-openai-v1' || kind === 'anthropic-foundry') &&
    !state.deployments.includes(model)
  ) {
    return fail(
      404,
      'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
      { family: 'azure', code: 'DeploymentNotFound' },
    );
  }
  if (wire === 'messages' && typeof body['max_tokens'] !== 'number') {
    return fail(400, 'max_tokens: Field required');
  }
  const messages = requestMessages(wire, body);
  exchange.entry.messages = messages;
  const streamed = body['stream'] === true || (wire === 'ollama-chat' && body['stream'] !== false);

  const injected = state.faults.take(kind);
  if (injected !== undefined && (await applyFault(exchange, injected, kind, audience))) return;

  const request: ModelRequest = {
    kind,
    wire,
    model,
    messages,
    tools: offeredToolNames(wire, body),
    stream: streamed,
    body,
  };
  let reply: ModelReply | undefined;
  while (reply === undefined) {
    const outcome = await state.script.next(request);
    if (exchange.gone) return;
    switch (outcome.type) {
      case 'reply':
        reply = outcome.reply;
        break;
      case 'fault':
        if (await applyFault(exchange, outcome.fault, kind, audience)) return;
        break;
      case 'exhausted':
        return fail(
          400,
          `The @bots/emulator model script is exhausted: all ${outcome.consumed} scripted replies were used. Add replies with setScript() or the script option.`,
          { code: 'emulator_script_exhausted', headers: { 'x-should-retry': 'false' } },
        );
      case 'failed':
        return fail(500, outcome.message, {
          code: 'emulator_script_failed',
          headers: { 'x-should-retry': 'false' },
        });
    }
  }

  const resolved = resolveReply(reply, wire);
  if (!resolved.ok) {
    return fail(500, resolved.message, {
      code: 'emulator_script_failed',
      headers: { 'x-should-retry': 'false' },
    });
  }
  exchange.entry.replyText = resolved.reply.text;
  if (resolved.reply.toolCalls.length > 0) {
    exchange.entry.replyToolCalls = resolved.reply.toolCalls.map(
      ({ input: _input, ...call }) => call,
    );
  }
  const context: ReplyContext = {
    model,
    reply: resolved.reply,
    usage: replyUsage(messages, resolved.reply),
    createdAt: Math.floor(state.clock() / 1000),
  };
  const azure = kind.startsWith('azure-openai');
  switch (wire) {
    case 'chat-completions': {
      const completion = chatCompletionBody(context, azure);
      if (!streamed) return exchange.send(200, completion);
      const streamOptions = body['stream_options'];
      const includeUsage =
        typeof streamOptions === 'object' &&
        streamOptions !== null &&
        (streamOptions as Record<string, unknown>)['include_usage'] === true;
      return sendServerSentEvents(
        exchange,
        chatCompletionChunks(completion, { azure, includeUsage }),
      );
    }
    case 'responses': {
      const response = responseBody(context, body);
      if (!streamed) return exchange.send(200, response);
      return sendServerSentEvents(exchange, responseStreamEvents(response));
    }
    case 'messages': {
      const message = anthropicMessageBody(context);
      if (!streamed) return exchange.send(200, message);
      return sendServerSentEvents(exchange, anthropicStreamEvents(message));
    }
    case 'ollama-chat': {
      const answer = ollamaChatBody(context);
      if (!streamed) return exchange.send(200, answer);
      // Ollama streams by default: one NDJSON line carrying the whole, final (`done`) message.
      exchange.entry.streamed = true;
      return exchange.send(200, `${JSON.stringify(answer)}\n`, {}, 'application/x-ndjson');
    }
  }
}
