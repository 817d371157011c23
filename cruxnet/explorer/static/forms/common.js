/* cruxnet explorer, forms/common.js: what every CPT form module shares (no DOM; MIT, part of
 * cruxnet): the parents' configurations, the conditions a form states on them, a ByParent
 * value per configuration, and the binary table a probability of "yes" gives.
 *
 * Arrays are entry-major, draw-minor: entry e of draw d is at e * D + d.
 */

/** Parent state indices of each configuration (C order): Int32Array (configs x parents). */
export function configurations(pc) {
  const m = pc.reduce((a, b) => a * b, 1), np = pc.length;
  const out = new Int32Array(m * np);
  for (let c = 0; c < m; c++) {
    let rest = c;
    for (let j = np - 1; j >= 0; j--) { out[c * np + j] = rest % pc[j]; rest = Math.floor(rest / pc[j]); }
  }
  return out;
}

/** Whether configuration c meets every condition [parent axis, allowed states]. */
export function holds(states, np, c, conds) {
  for (const [axis, allowed] of conds) if (!allowed.includes(states[c * np + axis])) return false;
  return true;
}

/** A ByParent value per configuration and draw: Float64Array (configs x D). */
export function byParent(bp, params, states, np, m, D) {
  const out = new Float64Array(m * D);
  for (let c = 0; c < m; c++) {
    const v = params[bp.ids[bp.axis < 0 ? 0 : states[c * np + bp.axis]]];
    out.set(v.subarray(0, D), c * D);
  }
  return out;
}

/** A binary node's table from P(second state): out[c, 1] = p, out[c, 0] = 1 - p. */
export function binaryOut(p, m, D, out) {
  for (let c = 0; c < m; c++) {
    for (let d = 0; d < D; d++) {
      const x = p[c * D + d];
      out[(c * 2 + 1) * D + d] = x;
      out[(c * 2) * D + d] = 1 - x;
    }
  }
}

export const clip = (x, lo, hi) => (x < lo ? lo : x > hi ? hi : x);
