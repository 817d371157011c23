/* cruxnet explorer, page/api.js: window.cruxnet, for people who script the page and for tests
 * (MIT, part of cruxnet):
 *
 *   posterior(target, evidence)  P(target | evidence) at the point tables of the current
 *                                worldview (with "my view"), as {state: p}
 *   marginals(evidence)          every node's point beliefs, {node: {state: p}}
 *   interval(evidence)           {p, lo, hi, kept}: P(target = state of interest) and its
 *                                equal-tailed interval over the parameter draws
 *   targetDraws(evidence)        P(target = state of interest) in each draw (NaN: impossible)
 *   tableDraws(node, d0, d1)     the node's table in draws d0..d1-1 (entries in C order)
 *   swings(evidence)             the one-way table: [{node, low, high, lowState, highState}]
 *   state() / setState(s)        the page's state (worldview, compare, evidence, my view);
 *                                setState checks s as a link's view is (model/check.js)
 *   worldviewFile()              the worldview file that reproduces the page, as text
 *   command()                    the cruxnet query command that reproduces P(target)
 *   undo()                       step back
 *   useWasm(on)                  draws through WebAssembly (default) or plain JavaScript
 *   profile(evidence, repeat)    ms of each part of an update (benchmarks/explorer.py)
 * evidence = {hard: {node: state}, do: {node: state}, likelihood: {node: {state: weight}}}, checked
 * as the command line checks its input (model/check.js). What is given is read by its own keys
 * only and copied; what is returned keyed by names is a map without a prototype
 * (engine/names.js), where "__proto__" is a key like any other (JSON.stringify and JSON.parse
 * carry it; tools that copy objects key by key, Playwright's among them, drop it).
 */
import {get, nameMap} from "../engine/names.js";
import {checkView} from "../model/check.js";
import {act, undo} from "./actions.js";
import {beliefsOf, computeView, swingsOf, targetDrawsOf} from "./compute.js";
import {command, worldviewFile} from "./reproduce.js";
import {copyState, evidenceOf, viewModel} from "./state.js";

export function scriptingApi(page) {
  const M = page.M;
  const {engine, worldviews, normalEvidence, nodes, ids, index, target, soi, D} = M;
  const api = {
    posterior(t, ev) {
      const i = get(index, t);
      if (i === undefined) throw new Error(`unknown node ${t}`);
      const res = beliefsOf(page, page.state, ev);
      if (!(res.pe > 0)) throw new Error("impossible evidence");
      return nameMap(nodes[i].states.map((st, k) => [st, res.beliefs[i][k]]));
    },
    marginals(ev) {
      const res = beliefsOf(page, page.state, ev);
      return nameMap(nodes.map((n, i) => [n.id, nameMap(n.states.map((st, k) => [st, res.beliefs[i][k]]))]));
    },
    targetDraws(ev) { return Array.from(targetDrawsOf(page, page.state, ev)); },
    interval(ev) { return M.interval(page.state.wv, page.state.mine, ev); },
    swings(ev) { return swingsOf(page, page.state, ev); },
    tableDraws: (node, d0, d1) => M.tableDraws(page.state.wv, node, d0, d1),
    state() { return copyState(page.state); },
    /** Show view s, checked as a link's view is (model/check.js; false, with the reason in
     *  #message, if the model does not take it). */
    setState(s) { return act(page, () => checkView(s, viewModel(M))); },
    undo: () => undo(page),
    worldviewFile() { return worldviewFile(page, page.state); },
    command() { return command(page, page.state); },
    /** Run the draws through WebAssembly (default, where available) or plain JavaScript. */
    useWasm(on) { if (engine) engine.useWasm = Boolean(on); return Boolean(engine && engine.wasmBytes && engine.useWasm); },
    target: ids[target], targetState: nodes[target].states[soi], draws: D,
    worldviews: worldviews.map((w) => w.name),
  };
  /** ms of each part of an update under ev (for benchmarks/explorer.py). */
  api.profile = (ev, repeat) => {
    const s = {...copyState(page.state), ...normalEvidence(ev)}, n = repeat || 1, out = {};
    const time = (name, f) => { const t0 = performance.now(); for (let r = 0; r < n; r++) f(); out[name] = (performance.now() - t0) / n; };
    time("beliefs", () => beliefsOf(page, s, evidenceOf(s)));
    time("swings", () => swingsOf(page, s, evidenceOf(s)));
    time("draws", () => targetDrawsOf(page, s, evidenceOf(s)));

    time("update", () => computeView(page, s));
    return out;
  };
  return api;
}
