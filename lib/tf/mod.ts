/**
 * TensorFlow.js for medkd: the shared `tf` namespace, backend selection and the leak guard.
 * @module
 */
export * as tf from "./tf.ts";
export { BackendError, currentBackend, initBackend } from "./backend.ts";
export type { BackendInfo, BackendPreference } from "./backend.ts";
export { assertNoLeak, TensorLeakError } from "./leaks.ts";
