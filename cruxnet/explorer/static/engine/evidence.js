/* cruxnet explorer, engine/evidence.js: evidence folded into a node's own table (no DOM; MIT,
 * part of cruxnet), before either the junction tree's pass or the contraction plan's: hard (an
 * indicator), likelihood (weights on the node's states) and do() (the node's table replaced by
 * an indicator that ignores its parents: graph surgery).
 */
import {get} from "./names.js";

/** The table of node {id, states} with evidence folded in (D draws, entry-major; D = 1 for
 *  points); the table itself when no evidence names the node. */
export function foldEvidence(node, table, D, ev) {
  const card = node.states.length, name = node.id;
  // Own keys only: a node named "constructor" is not in {} (engine/names.js).
  const doState = get(ev.do, name), hard = get(ev.hard, name), lik = get(ev.likelihood, name);
  if (doState === undefined && hard === undefined && lik === undefined) return table;
  const out = new Float64Array(table.length);
  const rows = table.length / (card * D);
  // Every kind given on the node multiplies in, as in Python: a hard state and a
  // likelihood with a zero there, or do() and a different hard state, have probability 0.
  const w = new Float64Array(card).fill(1);
  if (hard !== undefined) w.forEach((_, k) => { if (node.states[k] !== hard) w[k] = 0; });
  if (lik !== undefined) node.states.forEach((st, k) => { w[k] *= get(lik, st); });
  if (doState !== undefined) {
    const s = node.states.indexOf(doState);
    for (let r = 0; r < rows; r++) out.fill(w[s], (r * card + s) * D, (r * card + s + 1) * D);
    return out;
  }
  for (let r = 0; r < rows; r++) {
    for (let s = 0; s < card; s++) {
      const base = (r * card + s) * D, ws = w[s];
      for (let d = 0; d < D; d++) out[base + d] = table[base + d] * ws;
    }
  }
  return out;
}
