/* cruxnet explorer, forms/noisy_or.js: the "noisy_or" form (no DOM; MIT, part of cruxnet):
 * P(no) = (1 - leak) times (1 - p) of every cause whose conditions hold. Program: {leak:
 * parameter id, causes: [{when: conditions, p: ByParent}]}. See forms/table.js for fill's
 * arguments.
 */
import {holds} from "./common.js";

export function fill(prog, f, out) {
  const {params, states, np, m, D, bp} = f;
  const stay = new Float64Array(m * D), leak = params[prog.leak];
  for (let c = 0; c < m; c++) for (let d = 0; d < D; d++) stay[c * D + d] = 1 - leak[d];
  for (const cause of prog.causes) {
    const p = bp(cause.p);
    for (let c = 0; c < m; c++) {
      if (!holds(states, np, c, cause.when)) continue;
      for (let d = 0; d < D; d++) stay[c * D + d] *= 1 - p[c * D + d];
    }
  }
  for (let c = 0; c < m; c++) {
    for (let d = 0; d < D; d++) {
      out[(c * 2) * D + d] = stay[c * D + d];
      out[(c * 2 + 1) * D + d] = 1 - stay[c * D + d];
    }
  }
}
