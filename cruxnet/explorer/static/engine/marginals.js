/* cruxnet explorer, engine/marginals.js: stated marginals ("my view"; no DOM; MIT, part of
 * cruxnet): the node's table multiplied by common per-state factors and renormalised so that
 * the network implies the marginal (cruxnet.inference.marginals); Newton's method on the
 * convex dual, node by node in topological order.
 */
import {get} from "./names.js";
import {solve} from "./solve.js";

/** Node i's table tilted so that, with parents' joint w, its marginal is m. Returns the
 *  new table, or null if m cannot be reached (a state the table never gives). */
export function tilt(table, w, m, card) {
  const rows = w.length;
  const live = [];
  for (let s = 0; s < card; s++) {
    let reach = 0;
    for (let r = 0; r < rows; r++) reach += w[r] * table[r * card + s];
    if (m[s] > 0 && reach === 0) return null;
    if (m[s] > 0) live.push(s);
  }
  const lam = new Float64Array(card);
  const q = new Float64Array(rows * card);
  const evaluate = () => {
    let f = 0;
    const g = new Float64Array(card), h = new Float64Array(card * card);
    for (let r = 0; r < rows; r++) {
      let z = 0;
      for (const s of live) { q[r * card + s] = table[r * card + s] * Math.exp(lam[s]); z += q[r * card + s]; }
      if (z === 0) continue;
      f += w[r] * Math.log(z);
      for (const s of live) q[r * card + s] /= z;
      for (const s of live) {
        g[s] += w[r] * q[r * card + s];
        for (const t of live) h[s * card + t] += w[r] * ((s === t ? q[r * card + s] : 0) - q[r * card + s] * q[r * card + t]);
      }
    }
    for (const s of live) { f -= m[s] * lam[s]; g[s] -= m[s]; }
    return {f, g, h};
  };
  // Newton on the free coordinates (the first live state's factor stays 1).
  const free = live.slice(1);
  for (let it = 0; it < 100; it++) {
    const {f, g, h} = evaluate();
    let gmax = 0;
    for (const s of live) gmax = Math.max(gmax, Math.abs(g[s]));
    if (gmax < 1e-15 || free.length === 0) break;
    const k = free.length;
    const A = free.map((s) => free.map((t) => h[s * card + t]));
    const b = free.map((s) => -g[s]);
    const step = solve(A, b, k);
    let big = 0;
    for (const x of step) big = Math.max(big, Math.abs(x));
    const scale = big > 4 ? 4 / big : 1;
    let t = 1;
    const old = Float64Array.from(lam);
    for (;;) {
      free.forEach((s, j) => { lam[s] = old[s] + t * scale * step[j]; });
      if (evaluate().f <= f + 1e-15 * Math.abs(f) || t < 1e-8) break;
      t /= 2;
    }
  }
  const out = new Float64Array(rows * card);
  for (let r = 0; r < rows; r++) {
    let z = 0;
    for (const s of live) { out[r * card + s] = table[r * card + s] * Math.exp(lam[s]); z += out[r * card + s]; }
    for (let s = 0; s < card; s++) out[r * card + s] = z > 0 ? out[r * card + s] / z : table[r * card + s];
  }
  // Check the marginal was met.
  for (let s = 0; s < card; s++) {
    let got = 0;
    for (let r = 0; r < rows; r++) got += w[r] * out[r * card + s];
    if (Math.abs(got - m[s]) > 1e-9) return null;
  }
  return out;
}

/** The point tables with stated marginals {node: [p...]} met, in topological order.
 *  `engine` (engine/index.js) gives the nodes, their order and parentsJoint(). */
export function withMarginals(engine, cpts, marginals) {
  const out = cpts.slice();
  for (const i of engine.order) {
    const m = get(marginals, engine.nodes[i].id);
    if (!m) continue;
    const w = engine.parentsJoint(out, i);
    const t = tilt(out[i], w, m, engine.cards[i]);
    if (t === null) throw new Error(`${engine.nodes[i].id}: this marginal cannot be reached from the node's table`);
    out[i] = t;
  }
  return out;
}
