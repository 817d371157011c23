/* cruxnet explorer, forms/linear.js: the "linear" form (no DOM; MIT, part of cruxnet):
 * P(yes) = base plus every effect, clipped to the form's `clip` (if any), then to [0, 1].
 * Program: {base: ByParent, effects: [ByParent], clip: [lo, hi] or null}. See forms/table.js
 * for fill's arguments.
 */
import {binaryOut, clip} from "./common.js";

export function fill(prog, f, out) {
  const {m, D, bp} = f;
  const p = bp(prog.base);
  for (const g of prog.effects) { const v = bp(g); for (let e = 0; e < p.length; e++) p[e] = p[e] + v[e]; }
  for (let e = 0; e < p.length; e++) {
    if (prog.clip) p[e] = clip(p[e], prog.clip[0], prog.clip[1]);
    p[e] = clip(p[e], 0, 1);
  }
  binaryOut(p, m, D, out);
}
