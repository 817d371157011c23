/* cruxnet explorer, model/beliefs.js: the two questions the engine answers for a worldview
 * with "my view" met (no DOM; MIT, part of cruxnet): every node's point beliefs, and
 * P(target = state of interest) in each parameter draw.
 */
import {normalEvidence} from "./evidence.js";
import {pointTables, tablesWithMine} from "./mine.js";

/** Every node's point beliefs under ev in worldview wv with `mine` met: {beliefs, pe}. */
export function beliefs(ctx, wv, mine, ev) {
  return ctx.engine.beliefs(pointTables(ctx, wv, mine), normalEvidence(ctx, ev));
}

/** P(target = state of interest | ev) in each draw (NaN where ev is impossible). */
export function targetDraws(ctx, wv, mine, ev) {
  const {DATA, engine, nodes, target, soi, D} = ctx;
  const checked = normalEvidence(ctx, ev);  // refused alike with or without draws
  if (!D || DATA.limits.no_draws) return new Float64Array(0);
  const joint = engine.targetJoint(tablesWithMine(ctx, wv, mine), D, checked);
  const card = nodes[target].states.length, out = new Float64Array(D);
  for (let d = 0; d < D; d++) {
    let z = 0;
    for (let k = 0; k < card; k++) z += joint[k * D + d];
    out[d] = z > 0 && Number.isFinite(z) ? joint[soi * D + d] / z : NaN;
  }
  return out;
}
