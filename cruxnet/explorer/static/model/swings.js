/* cruxnet explorer, model/swings.js: the one-way swings of P(target = state of interest)
 * under the evidence, as cruxnet.sensitivity.node_swings (no DOM; MIT, part of cruxnet).
 */
import {has, nameMap} from "../engine/names.js";
import {normalEvidence} from "./evidence.js";
import {pointTables} from "./mine.js";

/** [{node, low, high, lowState, highState, swing}], largest swing first, from
 *  P(T | e, X = x) = P(X = x | e, T) P(T | e) / P(X = x | e). `known`: the beliefs under ev,
 *  if the caller has them. */
export function swings(ctx, wv, mine, ev, known) {
  const {engine, model, nodes, ids, target, soi} = ctx;
  ev = normalEvidence(ctx, ev);
  const tables = pointTables(ctx, wv, mine);
  const base = known || engine.beliefs(tables, ev);
  const tName = ids[target], tState = nodes[target].states[soi];
  const pt = base.beliefs[target][soi];
  if (has(ev.hard, tName) || has(ev.do, tName) || !(pt > 0)) return [];
  const withT = {...ev, hard: nameMap([...Object.entries(ev.hard), [tName, tState]])};
  const given = engine.beliefs(tables, withT).beliefs;
  const out = [];
  nodes.forEach((n, i) => {
    if (i === target || model.outcomes.includes(i)) return;
    if (has(ev.hard, n.id) || has(ev.do, n.id) || has(ev.likelihood, n.id)) return;
    let low = Infinity, high = -Infinity, lowState = "", highState = "";
    n.states.forEach((st, k) => {
      const px = base.beliefs[i][k];
      if (!(px > 0)) return;
      const v = given[i][k] * pt / px;
      if (v < low) { low = v; lowState = st; }
      if (v > high) { high = v; highState = st; }
    });
    if (low <= high) out.push({node: n.id, low, high, lowState, highState, swing: high - low});
  });
  out.sort((a, b) => b.swing - a.swing || (a.node < b.node ? -1 : 1));
  return out;
}
