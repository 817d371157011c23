/* cruxnet explorer, model/mine.js: a worldview's tables with stated marginals ("my view") met
 * (no DOM; MIT, part of cruxnet): the point tables, and every draw's tables, each draw tilted
 * alone (engine/marginals.js), as cruxnet.inference.marginals.StatedMarginalDraws does; kept
 * in the model's cache.
 */
import {has} from "../engine/names.js";
import {drawTables} from "./draw_tables.js";

/** Point tables of worldview w with the stated marginals of `mine` met. */
export function pointTables(ctx, w, mine) {
  const {cache, engine, worldviews} = ctx;
  const key = `p|${w}|${JSON.stringify(mine)}`;
  if (!cache.has(key)) cache.set(key, engine.withMarginals(worldviews[w].point, mine));
  return cache.get(key);
}

/** Draw tables of worldview w with `mine` met in every draw (each draw tilted alone; NaN in a
 *  draw where it cannot be met). */
export function tablesWithMine(ctx, w, mine) {
  const {cache, engine, worldviews, ids, D} = ctx;
  const base = drawTables(ctx, worldviews[w]);
  if (Object.keys(mine).length === 0) return base;
  const key = `d|${w}|${JSON.stringify(mine)}`;
  if (cache.has(key)) return cache.get(key);
  const out = base.map((t) => Float64Array.from(t));
  const one = base.map((t) => new Float64Array(t.length / D));
  for (let d = 0; d < D; d++) {
    for (let i = 0; i < ids.length; i++) {
      const t = base[i], o = one[i];
      for (let e = 0; e < o.length; e++) o[e] = t[e * D + d];
    }
    let tilted;
    try { tilted = engine.withMarginals(one, mine); } catch (err) { tilted = null; }
    for (let i = 0; i < ids.length; i++) {
      if (!has(mine, ids[i])) continue;
      const o = out[i];
      for (let e = 0; e < one[i].length; e++) o[e * D + d] = tilted ? tilted[i][e] : NaN;
    }
  }
  cache.set(key, out);
  return out;
}
