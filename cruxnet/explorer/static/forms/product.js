/* cruxnet explorer, forms/product.js: the "product" form (no DOM; MIT, part of cruxnet):
 * P(yes) = base times every factor, clipped to [0, 1]. Program: {base: ByParent, factors:
 * [ByParent]}. See forms/table.js for fill's arguments.
 */
import {binaryOut, clip} from "./common.js";

export function fill(prog, f, out) {
  const {m, D, bp} = f;
  const p = bp(prog.base);
  for (const g of prog.factors) { const v = bp(g); for (let e = 0; e < p.length; e++) p[e] = p[e] * v[e]; }
  for (let e = 0; e < p.length; e++) p[e] = clip(p[e], 0, 1);
  binaryOut(p, m, D, out);
}
