/* cruxnet explorer, page/compute.js: the numbers one view of the page shows, from the model
 * (model/index.js) and the page's state (no DOM; MIT, part of cruxnet). `page` is the page's
 * context (main.js).
 */
import {equalTailed} from "../engine/intervals.js";
import {evidenceOf} from "./state.js";

export const beliefsOf = (page, s, ev) => page.M.beliefs(s.wv, s.mine, ev);
export const targetDrawsOf = (page, s, ev) => page.M.targetDraws(s.wv, s.mine, ev);
export const swingsOf = (page, s, ev, known) => page.M.swings(s.wv, s.mine, ev, known);

/** {state, beliefs, prior, swings, compare?, interval?} of state s; an Error if its
 *  evidence is impossible. */
export function computeView(page, s) {
  const {DATA, M} = page;
  const {engine, cache, pointTables, normalEvidence, D} = M;
  const ev = evidenceOf(s);
  const res = beliefsOf(page, s, ev);
  if (!(res.pe > 0)) throw new Error("this evidence is impossible under the worldview (its probability is 0)");
  const key = `prior|${s.wv}|${JSON.stringify(s.mine)}`;
  if (!cache.has(key)) cache.set(key, beliefsOf(page, s, {}).beliefs);
  const prior = cache.get(key);
  const view = {state: s, beliefs: res.beliefs, prior, swings: swingsOf(page, s, ev, res)};
  if (s.cmp >= 0) view.compare = engine.beliefs(pointTables(s.cmp, s.mine), normalEvidence(ev)).beliefs;
  if (D && !DATA.limits.no_draws) {
    const per = targetDrawsOf(page, s, ev);
    const kept = per.filter((x) => !Number.isNaN(x)).length;
    const [lo, hi] = equalTailed(Array.from(per), DATA.ci_prob);
    view.interval = {lo, hi, kept};
  }
  return view;
}
