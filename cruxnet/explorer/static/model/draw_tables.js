/* cruxnet explorer, model/draw_tables.js: every node's table in every parameter draw (no DOM;
 * MIT, part of cruxnet), rebuilt from its form's parameters (forms/) or decoded from table
 * columns (model/decode.js); a node without draws repeats its point table. `ctx` is the
 * model's context (model/index.js).
 */
import {get} from "../engine/names.js";
import {evaluate} from "../forms/index.js";
import {decodeColumns, f32} from "./decode.js";

/** A table rebuilt from its form's parameter draws (forms/; the parameters an ordering
 *  compares come coupled, as cruxnet.priors.draws draws them). */
function fromForm(ctx, enc, i) {
  const {nodes, D} = ctx;
  const params = enc.params.map((p) => {
    if (p.rows) return decodeColumns(p.rows, p.shape[0] * p.shape[1], D);
    if (p.constant !== undefined) return new Float64Array(D).fill(p.constant);
    return Float64Array.from(f32(p.f32));
  });
  const pc = nodes[i].parents.map((j) => nodes[j].states.length), k = nodes[i].states.length;
  const out = evaluate(enc.program, params, pc, k, D);
  return out;
}

/** The draws of every node's table of worldview w, entry-major and draw-minor (Float64Array
 *  per node), decoded once. */
export function drawTables(ctx, w) {
  const {DATA, ids, D} = ctx;
  if (w.tables) return w.tables;
  w.tables = w.point.map((pt, i) => {
    let enc = get(w.draws, ids[i]);
    if (enc && enc.same_as !== undefined) enc = get(DATA.worldviews[enc.same_as].draws, ids[i]);
    if (!enc) {
      const out = new Float64Array(pt.length * D);
      for (let e = 0; e < pt.length; e++) out.fill(pt[e], e * D, (e + 1) * D);
      return out;
    }
    return enc.program ? fromForm(ctx, enc, i) : decodeColumns(enc, pt.length, D);
  });
  return w.tables;
}

/** Node `node`'s table in draws [d0, d1) of worldview wv: [[entries...], ...]. */
export function tableDraws(ctx, wv, node, d0, d1) {
  const {worldviews, index, D} = ctx;
  const i = get(index, node);
  if (i === undefined) throw new Error(`unknown node ${node}`);
  const t = drawTables(ctx, worldviews[wv])[i], n = t.length / D, out = [];
  for (let d = d0; d < d1; d++) {
    const row = [];
    for (let e = 0; e < n; e++) row.push(t[e * D + d]);
    out.push(row);
  }
  return out;
}
