/* cruxnet explorer, engine/index.js: the exact engine (no dependencies, no DOM; MIT, part of
 * cruxnet).
 *
 * Discrete Bayesian networks with tables stored parents first, the node's states last
 * (C order), exactly as cruxnet's Python engine stores them. The Engine puts together, one job
 * per module in this folder:
 *
 *  - tables.js: index maps between tables, compensated sums;
 *  - evidence.js: hard, likelihood and do() evidence folded into the node's own table before
 *    either pass;
 *  - junction.js: point beliefs of every node by Hugin propagation on a junction tree compiled
 *    in Python (cruxnet/explorer/junction.py);
 *  - plan.js, wasm_plan.js: P(target, evidence) in each parameter draw by the pairwise
 *    contraction plan Python's batched engine uses, in JavaScript or in the WebAssembly
 *    kernels (kernels.wat);
 *  - marginals.js (with solve.js): stated marginals ("my view") met by tilting tables;
 *  - intervals.js: numpy's quantiles, the equal-tailed interval;
 *  - names.js: objects keyed by node and state names, without a prototype (a node may be
 *    called "constructor" or "__proto__"), and lookups of own keys only.
 *
 * Checked only against the Python engine and pyAgrum: under Node.js
 * (tests/oracles/test_explorer_numbers.py) and in Chromium (tests/system/test_explorer_browser.py).
 */
import {foldEvidence} from "./evidence.js";
import {compileJunction, parentsJoint, pointBeliefs} from "./junction.js";
import {withMarginals} from "./marginals.js";
import {BLOCK, compilePlan, contract} from "./plan.js";
import {WasmPlan} from "./wasm_plan.js";

export class Engine {
  /** model: {nodes: [{states, parents}]}, junction: {cliques, parent, assign, home},
   *  plan: [{in: [...], out: [...]}], target: node index. */
  /** wasmBytes: kernels.wasm (or null: the same loops in plain JavaScript). */
  constructor(model, junction, plan, target, wasmBytes) {
    this.wasmBytes = typeof WebAssembly === "object" && wasmBytes ? wasmBytes : null;
    this.useWasm = true;
    this.nodes = model.nodes;
    this.n = this.nodes.length;
    this.cards = this.nodes.map((x) => x.states.length);
    this.scopes = this.nodes.map((x, i) => [...x.parents, i]);
    this.target = target;
    this.order = this._topological();
    this.junction = compileJunction(junction, this.scopes, this.cards);
    const compiled = compilePlan(plan, this.scopes, this.cards);
    this.steps = compiled.steps;
    this.planResult = compiled.planResult;
    this.planOut = compiled.planOut;
    this.work = compiled.work;
  }

  _topological() {
    const seen = new Array(this.n).fill(false), out = [];
    const visit = (i) => {
      if (seen[i]) return;
      seen[i] = true;
      for (const p of this.nodes[i].parents) visit(p);
      out.push(i);
    };
    for (let i = 0; i < this.n; i++) visit(i);
    return out;
  }

  /** Node i's table with evidence folded in (D draws, entry-major; D = 1 for points). */
  fold(i, table, D, ev) {
    return foldEvidence(this.nodes[i], table, D, ev);
  }

  /** Point beliefs of every node: {beliefs: [Float64Array], pe: P(evidence)}. */
  beliefs(cpts, ev) {
    return pointBeliefs(this.junction, this.cards, cpts.map((t, i) => this.fold(i, t, 1, ev)));
  }

  /** P(target = each state, evidence) in each of D draws: Float64Array (card x D).
   *  Draws go through the plan in blocks of BLOCK, so intermediates stay in cache. */
  targetJoint(tables, D, ev, block) {
    if (this.wasmBytes && this.useWasm && !block) {
      if (!this.wasm || this.wasm.D !== D) this.wasm = new WasmPlan(this, this.wasmBytes, D);
      return this.wasm.run(tables, ev);
    }
    const B = Math.min(block || BLOCK, D);
    const folded = tables.map((t, i) => this.fold(i, t, D, ev));
    return contract(this.steps, folded, D, this.target, this.cards[this.target], B);
  }

  /** The parents' joint of node i (no evidence) at the point tables: Float64Array over
   *  its parents in order, read from its family's clique after a propagation. */
  parentsJoint(cpts, i) {
    return parentsJoint(this.junction, this.cards, cpts, i, this.nodes[i].parents);
  }

  /** The point tables with stated marginals {node: [p...]} met, in topological order. */
  withMarginals(cpts, marginals) {
    return withMarginals(this, cpts, marginals);
  }
}
