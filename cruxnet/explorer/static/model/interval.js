/* cruxnet explorer, model/interval.js: P(target = state of interest) with its equal-tailed
 * interval over the parameter draws (no DOM; MIT, part of cruxnet).
 */
import {equalTailed} from "../engine/intervals.js";
import {beliefs, targetDraws} from "./beliefs.js";

/** {p, lo, hi, kept}: P(target = state of interest) and its equal-tailed interval. */
export function interval(ctx, wv, mine, ev) {
  const {DATA, target, soi} = ctx;
  const per = Array.from(targetDraws(ctx, wv, mine, ev));
  const [lo, hi] = equalTailed(per, DATA.ci_prob);
  return {p: beliefs(ctx, wv, mine, ev).beliefs[target][soi], lo, hi,
          kept: per.filter((x) => !Number.isNaN(x)).length};
}
