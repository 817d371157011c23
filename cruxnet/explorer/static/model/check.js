/* cruxnet explorer, model/check.js: what the page takes as evidence, "my view" and a link's view,
 * checked as the command line checks its input (cruxnet.inference.evidence: state_vector,
 * Evidence.validate, check_distribution), and copied into maps without a prototype
 * (engine/names.js). No DOM; MIT, part of cruxnet.
 *
 *  - hard and do(): a known node and one of its states, given as a string;
 *  - likelihood: {state: weight} naming every state of a known node and no other, each weight a
 *    number (a JSON number: not text such as "2" or "0x0", not true/false), finite and >= 0, not
 *    all 0;
 *  - a stated ("my view") or fixed marginal: one number per state (an array in the node's state
 *    order, or {state: p}), each in [0, 1] and summing to 1 within SUM_TOL; in {state: p} one
 *    state may be left out (it gets the rest), or several if the others already sum to 1 (they
 *    get 0); the vector is then clipped to [0, 1] and divided by its sum, as Python does;
 *  - a view (the page's state, as a link carries it): {wv, cmp, hard, do, likelihood, mine},
 *    each optional, wv a worldview's index, cmp another's or -1, nothing else.
 *
 * Each check throws an Error whose message names what it refused (node, state, value).
 */
import {get, has, nameMap, ownEntries} from "../engine/names.js";

/** The tolerance of a probability vector's sum and entries (cruxnet.base.validate.SUM_TOL). */
export const SUM_TOL = 1e-9;

/** A name or value as the messages quote it: text in quotes, numbers as numbers. */
export function quote(x) {
  if (typeof x === "number" || typeof x === "boolean" || x === undefined) return String(x);
  let text;
  try { text = JSON.stringify(x); } catch (err) { text = String(x); }
  if (text === undefined) text = String(x);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const isObject = (x) => x !== null && typeof x === "object" && !Array.isArray(x);
const statesText = (node) => node.states.map(quote).join(", ");

/** The exactly rounded sum of xs, as Python's math.fsum (Shewchuk's partials). */
export function fsum(xs) {
  const partials = [];
  for (let x of xs) {
    let i = 0;
    for (let y of partials) {
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y, lo = y - (hi - x);
      if (lo) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    partials.push(x);
  }
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n], lo = 0;
  while (n > 0) {
    const x = hi, y = partials[--n];
    hi = x + y;
    lo = y - (hi - x);
    if (lo) break;
  }
  if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
    const y = lo * 2, x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}

/** The model's nodes by name (a map without a prototype), kept per nodes array. */
const indexes = new WeakMap();
function byName(nodes) {
  let m = indexes.get(nodes);
  if (!m) { m = nameMap(nodes.map((n) => [n.id, n])); indexes.set(nodes, m); }
  return m;
}

/** The node named `name` ({id, states}), or an Error naming it. */
export function nodeNamed(nodes, name) {
  const node = get(byName(nodes), name);
  if (!node) throw new Error(`unknown node ${quote(name)}`);
  return node;
}

/** A hard or do() state of node: one of its states, as a string. `what`: "observed node" or
 *  "do() on node", for the message. */
export function checkState(node, value, what) {
  if (typeof value !== "string" || !node.states.includes(value)) {
    throw new Error(`${what} ${quote(node.id)}: unknown state ${quote(value)} (its states are ${statesText(node)})`);
  }
  return value;
}

/** A likelihood {state: weight} of node, as a map in the node's state order. */
export function checkLikelihood(node, weights) {
  const what = `likelihood of node ${quote(node.id)}`;
  if (!isObject(weights)) throw new Error(`${what}: give {state: weight}, not ${quote(weights)}`);
  const given = nameMap(ownEntries(weights));
  for (const [st, w] of Object.entries(given)) {
    if (!node.states.includes(st)) throw new Error(`${what}: unknown state ${quote(st)} (its states are ${statesText(node)})`);
    if (typeof w !== "number") throw new Error(`${what}, state ${quote(st)}: ${quote(w)} is not a number`);
    if (!(Number.isFinite(w) && w >= 0)) throw new Error(`${what}, state ${quote(st)}: ${quote(w)} is not a number >= 0`);
  }
  const missing = node.states.filter((st) => !has(given, st));
  if (missing.length) {
    throw new Error(`${what} leaves out state${missing.length > 1 ? "s" : ""} ${missing.map(quote).join(", ")}: give a weight for every state (0 only where that state is ruled out)`);
  }
  if (!node.states.some((st) => given[st] > 0)) throw new Error(`${what} is 0 for every state: at least one weight must be above 0`);
  return nameMap(node.states.map((st) => [st, given[st]]));
}

function checkProbability(what, st, p) {
  if (typeof p !== "number") throw new Error(`${what}, state ${quote(st)}: ${quote(p)} is not a number`);
  if (!(Number.isFinite(p) && p >= -SUM_TOL && p <= 1 + SUM_TOL)) {
    throw new Error(`${what}, state ${quote(st)}: ${quote(p)} is not a probability in [0, 1]`);
  }
}

/** A stated ("my view", kind "my view") or fixed marginal of node: an array in state order or
 *  {state: p}; returns the array, clipped to [0, 1] and divided by its sum. */
export function checkMarginal(node, values, kind) {
  const what = `${kind} of node ${quote(node.id)}`, states = node.states;
  let vec;
  if (Array.isArray(values)) {
    if (values.length !== states.length) {
      throw new Error(`${what}: ${values.length} values for its ${states.length} states (${statesText(node)})`);
    }
    values.forEach((p, k) => checkProbability(what, states[k], p));
    vec = values.slice();
  } else if (isObject(values)) {
    const given = nameMap(ownEntries(values));
    vec = states.map(() => 0);
    for (const [st, p] of Object.entries(given)) {
      if (!states.includes(st)) throw new Error(`${what}: unknown state ${quote(st)} (its states are ${statesText(node)})`);
      checkProbability(what, st, p);
      vec[states.indexOf(st)] = p;
    }
    const missing = states.filter((st) => !has(given, st)), sum = fsum(vec);
    if (missing.length && Math.abs(sum - 1) > SUM_TOL) {
      if (missing.length > 1 || !(sum >= 0 && sum <= 1 + SUM_TOL)) {
        throw new Error(`${what} sums to ${sum}, not 1: give the other states too (${missing.map(quote).join(", ")}), or leave out one state only (it gets the rest)`);
      }
      vec[states.indexOf(missing[0])] = Math.max(0, 1 - sum);
    }
  } else {
    throw new Error(`${what}: give one probability per state ([p, ...] or {state: p}), not ${quote(values)}`);
  }
  const total = fsum(vec);
  if (Math.abs(total - 1) > SUM_TOL) throw new Error(`${what} sums to ${total}, not 1`);
  const clipped = vec.map((p) => Math.min(Math.max(p, 0), 1)), sum = fsum(clipped);
  return sum === 1 ? clipped : clipped.map((p) => p / sum);
}

function mapOf(part, value, form) {
  if (value === undefined) return [];
  if (!isObject(value)) throw new Error(`${quote(part)} must be ${form}, not ${quote(value)}`);
  return ownEntries(value);
}

/** Evidence {hard, do, likelihood} (other parts of a view are left to checkView; "fixed" is
 *  refused: the page does not run Jeffrey's rule), checked against the model's nodes: a copy in
 *  maps without a prototype. */
export function checkEvidence(ev, nodes) {
  if (ev === null || ev === undefined) ev = {};
  if (!isObject(ev)) throw new Error(`evidence must be {hard, do, likelihood}, not ${quote(ev)}`);
  if (has(ev, "fixed")) throw new Error("a fixed marginal (\"fixed\") is Jeffrey's rule, which the page does not run: use cruxnet query --fixed");
  const out = {hard: nameMap(), do: nameMap(), likelihood: nameMap()};
  for (const [n, v] of mapOf("hard", get(ev, "hard"), "{node: state}")) out.hard[n] = checkState(nodeNamed(nodes, n), v, "observed node");
  for (const [n, v] of mapOf("do", get(ev, "do"), "{node: state}")) out.do[n] = checkState(nodeNamed(nodes, n), v, "do() on node");
  for (const [n, w] of mapOf("likelihood", get(ev, "likelihood"), "{node: {state: weight}}")) out.likelihood[n] = checkLikelihood(nodeNamed(nodes, n), w);
  return out;
}

/** Stated marginals {node: [p, ...] or {state: p}}: {node: [p, ...]} without a prototype. */
export function checkMine(mine, nodes) {
  const out = nameMap();
  for (const [n, m] of mapOf("mine", mine, "{node: [p, ...]}")) out[n] = checkMarginal(nodeNamed(nodes, n), m, "my view");
  return out;
}

const VIEW_PARTS = ["wv", "cmp", "hard", "do", "likelihood", "mine"];

/** A view (the page's state, as a link or window.cruxnet.setState gives it) checked against the
 *  model ({nodes: [{id, states}], worldviews: how many}): {wv, cmp, hard, do, likelihood, mine}
 *  with every map without a prototype, or an Error naming the first thing refused. */
export function checkView(view, model) {
  if (!isObject(view)) throw new Error(`a view must be {wv, cmp, hard, do, likelihood, mine}, not ${quote(view)}`);
  for (const k of Object.keys(view)) {
    if (k === "fixed") throw new Error("a fixed marginal (\"fixed\") is Jeffrey's rule, which the page does not run: use cruxnet query --fixed");
    if (!VIEW_PARTS.includes(k)) throw new Error(`unknown part ${quote(k)} (a view has ${VIEW_PARTS.join(", ")})`);
  }
  const count = model.worldviews;
  const wv = has(view, "wv") ? view.wv : 0, cmp = has(view, "cmp") ? view.cmp : -1;
  if (!Number.isInteger(wv) || wv < 0 || wv >= count) {
    throw new Error(`worldview ${quote(wv)} is not one of the page's ${count} (0 to ${count - 1})`);
  }
  if (!Number.isInteger(cmp) || cmp < -1 || cmp >= count) {
    throw new Error(`compared worldview ${quote(cmp)} is not -1 (none) or one of the page's ${count} (0 to ${count - 1})`);
  }
  return {wv, cmp, ...checkEvidence(view, model.nodes), mine: checkMine(get(view, "mine"), model.nodes)};
}
