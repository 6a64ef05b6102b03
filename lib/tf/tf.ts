/**
 * The one TensorFlow.js namespace medkd uses: the `@tensorflow/tfjs` union package (core ops,
 * gradients, layers API, CPU backend).
 *
 * Import it as `import * as tf from "../tf/tf.ts"` (never from the npm packages directly) so every
 * module shares one engine and the banners are silenced once.
 *
 * @example
 * ```ts
 * import * as tf from "./tf.ts";
 * const y = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)));
 * if ((await y.data())[0] !== 3) throw new Error("bad sum");
 * y.dispose();
 * ```
 * @module
 */
import { env } from "@tensorflow/tfjs";

// `PROD` silences the "install tfjs-node" banner and TF.js's debug warnings.
env().set("PROD", true);

// The union package registers every gradient and the chained ops (`t.sum()`); the bare
// tfjs-core node build does neither.
export * from "@tensorflow/tfjs";
