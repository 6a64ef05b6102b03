/**
 * Run part of a functional `tf.LayersModel` graph: feed concrete tensors for any symbolic tensors
 * of the graph (model inputs or intermediate layer outputs) and compute any other symbolic tensors
 * from them. TF.js can neither build a sub-model from intermediate tensors nor feed them to
 * `model.execute`, so this walks the graph itself: from the wanted tensors back to the fed ones,
 * then forward in topological order, calling each needed node's layer on concrete tensors
 * (inference: `training: false`). Only the nodes the outputs need are run; everything computed
 * on the way is disposed.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { layerOutput, runGraph } from "./graph_exec.ts";
 * const x = tf.input({ shape: [2] });
 * const h = tf.layers.dense({ units: 2, kernelInitializer: "ones", name: "h" }).apply(x);
 * const y = tf.layers.dense({ units: 1, kernelInitializer: "ones", name: "y" })
 *   .apply(h) as tf.SymbolicTensor;
 * const m = tf.model({ inputs: x, outputs: y });
 * // feed the hidden layer directly: y = 3 + 4
 * const [v] = runGraph(m, [["h", tf.tensor2d([[3, 4]])]], [layerOutput(m, "y")]);
 * if (v.dataSync()[0] !== 7) throw new Error("bad partial run");
 * ```
 * @module
 */
import * as tf from "../tf/tf.ts";

/** A fed symbolic tensor: the tensor itself or the name of the (single-output) layer making it. */
export type FeedKey = tf.SymbolicTensor | string;

/** Raised when the wanted tensors need a tensor that was neither fed nor computable. */
export class GraphExecError extends Error {
  override name = "GraphExecError";
}

/** Output `index` of layer `name`'s (only) call in `model`. */
export function layerOutput(model: tf.LayersModel, name: string, index = 0): tf.SymbolicTensor {
  const out = model.getLayer(name).output;
  return Array.isArray(out) ? out[index] : out;
}

/** The symbolic inputs of layer `name`'s (only) call in `model`. */
export function layerInputs(model: tf.LayersModel, name: string): tf.SymbolicTensor[] {
  const inp = model.getLayer(name).input;
  return Array.isArray(inp) ? inp : [inp];
}

type GraphNode = {
  outboundLayer: tf.layers.Layer;
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
  callArgs?: Record<string, unknown>;
};

function producer(t: tf.SymbolicTensor): GraphNode {
  const nodes = (t.sourceLayer as unknown as { inboundNodes: GraphNode[] }).inboundNodes;
  const node = nodes[t.nodeIndex];
  if (!node || !node.outputTensors.some((o) => o.id === t.id)) {
    throw new GraphExecError(`no node of layer '${t.sourceLayer.name}' produces '${t.name}'`);
  }
  return node;
}

/**
 * Compute `outputs` of `model`'s graph from `feeds` (pairs or a Map of key → concrete tensor).
 * Nodes are run in topological order; nodes whose outputs are all fed are not run, and nothing
 * upstream of a fed tensor is computed. Returns one new tensor per output (a fed tensor asked
 * for as an output is returned as a clone); the feeds stay owned by the caller.
 */
export function runGraph(
  model: tf.LayersModel,
  feeds: Iterable<readonly [FeedKey, tf.Tensor]>,
  outputs: tf.SymbolicTensor[],
): tf.Tensor[] {
  const values = new Map<number, tf.Tensor>();
  for (const [k, v] of feeds) {
    values.set((typeof k === "string" ? layerOutput(model, k) : k).id, v);
  }
  const fed = new Set(values.keys());
  // Post-order DFS from the outputs (iterative: deep graphs must not hit the stack limit).
  const order: GraphNode[] = [];
  const state = new Map<GraphNode, 1 | 2>(); // 1 = on the stack, 2 = scheduled
  const stack: { node: GraphNode; next: number }[] = [];
  const visit = (t: tf.SymbolicTensor) => {
    if (fed.has(t.id)) return;
    const node = producer(t);
    if (node.inputTensors.length === 0 || node.outboundLayer.getClassName() === "InputLayer") {
      throw new GraphExecError(`'${t.name}' is needed but not fed`);
    }
    const s = state.get(node);
    if (s === 2) return;
    if (s === 1) throw new GraphExecError(`cycle at layer '${node.outboundLayer.name}'`);
    state.set(node, 1);
    stack.push({ node, next: 0 });
  };
  for (const t of outputs) {
    visit(t);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next < top.node.inputTensors.length) {
        visit(top.node.inputTensors[top.next++]);
      } else {
        stack.pop();
        state.set(top.node, 2);
        order.push(top.node);
      }
    }
  }
  return tf.tidy(() => {
    for (const node of order) {
      const ins = node.inputTensors.map((t) => values.get(t.id)!);
      const r = node.outboundLayer.apply(ins.length === 1 ? ins[0] : ins, {
        ...(node.callArgs ?? {}),
        training: false,
      });
      const outs = Array.isArray(r) ? r : [r];
      node.outputTensors.forEach((t, i) => {
        if (!fed.has(t.id)) values.set(t.id, outs[i] as tf.Tensor);
      });
    }
    return outputs.map((t) => {
      const v = values.get(t.id)!;
      return fed.has(t.id) ? tf.clone(v) : v;
    });
  });
}
