export { FakeEnvironment, type FakeEnvironmentOptions } from './fake-environment.js';
export {
  answerReply,
  commandReply,
  hangingReply,
  type ProtocolReply,
  type RecordedCall,
  type ReplyFunction,
  ScriptedChatModel,
  type ScriptedChatModelOptions,
  type ScriptedReply,
} from './scripted-chat-model.js';
export {
  type CommandHandler,
  hangingCommand,
  type ScriptedCommandResult,
  ScriptedEnvironment,
} from './scripted-environment.js';
