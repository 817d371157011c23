/* cruxnet explorer, forms/shifted.js: the "shifted" form (no DOM; MIT, part of cruxnet): a
 * table (forms/table.js) whose probability moves one state up (or down) with probability p,
 * `times` times, where the shift's conditions hold; only the `from` states move (all if null).
 * Program: {base: table program, shifts: [{when, up, p: parameter id, times, from}]}. See
 * forms/table.js for fill's arguments.
 */
import {holds} from "./common.js";
import {fill as table} from "./table.js";

export function fill(prog, f, out) {
  const {params, states, np, k, m, D} = f;
  table(prog.base, f, out);
  const moved = new Float64Array(k);
  for (const sh of prog.shifts) {
    const p = params[sh.p], movable = new Float64Array(k);
    for (let i = 0; i < k; i++) movable[i] = sh.from === null || sh.from.includes(i) ? 1 : 0;
    movable[sh.up ? k - 1 : 0] = 0;
    for (let c = 0; c < m; c++) {
      if (!holds(states, np, c, sh.when)) continue;
      for (let d = 0; d < D; d++) {
        for (let t = 0; t < sh.times; t++) {
          for (let i = 0; i < k; i++) moved[i] = out[(c * k + i) * D + d] * (movable[i] * p[d]);
          for (let i = 0; i < k; i++) out[(c * k + i) * D + d] -= moved[i];
          if (sh.up) for (let i = 1; i < k; i++) out[(c * k + i) * D + d] += moved[i - 1];
          else for (let i = 0; i < k - 1; i++) out[(c * k + i) * D + d] += moved[i + 1];
        }
      }
    }
  }
}
