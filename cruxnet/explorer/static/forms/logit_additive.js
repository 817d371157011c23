/* cruxnet explorer, forms/logit_additive.js: the "logit_additive" form (no DOM; MIT, part of
 * cruxnet): logit P(yes) = logit(base) + the sum of log odds ratios, times the sharpness.
 * Program: {base: ByParent, odds: [ByParent], sharpness}. See forms/table.js for fill's
 * arguments.
 */
import {binaryOut, clip} from "./common.js";

export function fill(prog, f, out) {
  const {m, D, bp} = f;
  const base = bp(prog.base), logit = new Float64Array(m * D);
  for (let e = 0; e < logit.length; e++) { const b = clip(base[e], 0, 1); logit[e] = Math.log(b) - Math.log1p(-b); }
  for (const r of prog.odds) {
    const v = bp(r);
    for (let e = 0; e < logit.length; e++) logit[e] = logit[e] + Math.log(v[e]);
  }
  const p = new Float64Array(m * D);
  for (let e = 0; e < p.length; e++) p[e] = 1 / (Math.exp(logit[e] * -prog.sharpness) + 1);
  binaryOut(p, m, D, out);
}
