/* cruxnet explorer, forms/index.js: CPT forms evaluated in the page (no DOM; MIT, part of
 * cruxnet).
 *
 * A node's parameter draws (a few numbers per draw) become its table draws here, by the same
 * arithmetic as cruxnet.priors.forms, in the same order (so the results agree with Python's to
 * rounding); the parameters an ordering compares arrive coupled, as Python draws them. The
 * programs come from cruxnet.explorer.payload.form_program (one kind per module in this folder,
 * the helpers they share in forms/common.js); a test rebuilds every table in Python from the
 * same parameters and compares.
 *
 * Arrays are entry-major, draw-minor: entry e of draw d is at e * D + d.
 */
import {byParent, configurations, holds} from "./common.js";
import {fill as linear} from "./linear.js";
import {fill as logitAdditive} from "./logit_additive.js";
import {fill as noisyOr} from "./noisy_or.js";
import {fill as product} from "./product.js";
import {fill as shifted} from "./shifted.js";
import {fill as table} from "./table.js";

/** Each form kind (cruxnet.explorer.payload.PAGE_FORMS) and the module that fills its table. */
const FORMS = new Map([
  ["table", table], ["noisy_or", noisyOr], ["logit_additive", logitAdditive],
  ["product", product], ["linear", linear], ["shifted", shifted],
]);

/** Node table draws (configs x card x D) from its program and decoded parameters. */
export function evaluate(prog, params, pc, k, D) {
  const np = pc.length, states = configurations(pc), m = states.length / Math.max(np, 1) || 1;
  const out = new Float64Array(m * k * D);
  const bp = (b) => byParent(b, params, states, np, m, D);
  const fill = FORMS.get(prog.kind);
  if (!fill) throw new Error(`form ${prog.kind} is not rebuilt in the page`);
  fill(prog, {params, states, pc, np, k, m, D, bp}, out);
  if (prog.require.length) {
    for (let c = 0; c < m; c++) {
      if (holds(states, np, c, prog.require)) continue;
      for (let s = 0; s < k; s++) out.fill(s === prog.otherwise ? 1 : 0, (c * k + s) * D, (c * k + s + 1) * D);
    }
  }
  return out;
}
