/* cruxnet explorer, forms/table.js: the "table" form (no DOM; MIT, part of cruxnet): a row of
 * drawn probabilities per configuration of the parents it is `by` (the other parents share
 * it), as cruxnet.priors.forms builds it. Program: {by: [parent axes], rows: parameter id}.
 *
 * Every form module exports fill(prog, f, out): out (configs x states x draws, entry-major,
 * draw-minor) from the program and f = {params, states, pc, np, k, m, D, bp} (forms/index.js).
 */

export function fill(prog, f, out) {
  const {params, states, pc, k, m, D} = f;
  const rows = params[prog.rows], np = pc.length;
  for (let c = 0; c < m; c++) {
    let r = 0;
    for (const axis of prog.by) r = r * pc[axis] + states[c * np + axis];
    for (let s = 0; s < k; s++) out.set(rows.subarray((r * k + s) * D, (r * k + s + 1) * D), (c * k + s) * D);
  }
}
