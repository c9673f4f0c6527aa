export { useEmulator } from './use-emulator.js';
export type {
  EmulatorHandle,
  EmulatorLifecycle,
  EmulatorOptionsInput,
  UseEmulator,
} from './use-emulator-options.js';
