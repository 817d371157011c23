/* cruxnet explorer, engine/junction.js: point beliefs of every node by Hugin propagation (no
 * DOM; MIT, part of cruxnet) on the junction tree compiled in Python
 * (cruxnet/explorer/junction.py): collect to the root, distribute back.
 */
import {indexMap, prod, scatterSum} from "./tables.js";

/** The junction tree {cliques, parent, assign, home} with the index maps the passes use:
 *  {cliques: [{vars, size, parent, families, sep, sepSize, toSep, parentToSep}], home,
 *  assign}. scopes[i]: node i's table's variables (its parents, then i). */
export function compileJunction(jt, scopes, cards) {
  const c = cards;
  const cliques = jt.cliques.map((vars, k) => ({
    vars, size: prod(vars.map((v) => c[v])), parent: jt.parent[k], families: [],
  }));
  jt.assign.forEach((k, i) => {
    cliques[k].families.push({node: i, map: indexMap(cliques[k].vars, scopes[i], c)});
  });
  for (const cl of cliques) {
    if (cl.parent < 0) continue;
    const par = cliques[cl.parent];
    cl.sep = cl.vars.filter((v) => par.vars.includes(v));
    cl.sepSize = prod(cl.sep.map((v) => c[v]));
    cl.toSep = indexMap(cl.vars, cl.sep, c);
    cl.parentToSep = indexMap(par.vars, cl.sep, c);
  }
  const home = jt.home.map((k, i) => ({clique: k, map: indexMap(cliques[k].vars, [i], c)}));
  return {cliques, home, assign: jt.assign};
}

/** Every clique's potential after collect and distribute (Hugin), from point tables. */
export function propagate(tree, tables) {
  const cliques = tree.cliques;
  const pot = cliques.map((cl) => {
    const p = new Float64Array(cl.size).fill(1);
    for (const f of cl.families) {
      const t = tables[f.node], m = f.map;
      for (let e = 0; e < cl.size; e++) p[e] *= t[m[e]];
    }
    return p;
  });
  const K = cliques.length, seps = new Array(K);
  for (let k = K - 1; k > 0; k--) {            // collect: children before parents
    const cl = cliques[k], sep = scatterSum(pot[k], cl.toSep, cl.sepSize);
    seps[k] = sep;
    const pp = pot[cl.parent], m = cl.parentToSep;
    for (let e = 0; e < pp.length; e++) pp[e] *= sep[m[e]];
  }
  for (let k = 1; k < K; k++) {                // distribute: parents before children
    const cl = cliques[k], fresh = scatterSum(pot[cl.parent], cl.parentToSep, cl.sepSize);
    const old = seps[k], ratio = new Float64Array(cl.sepSize);
    for (let j = 0; j < ratio.length; j++) ratio[j] = old[j] === 0 ? 0 : fresh[j] / old[j];
    const p = pot[k];
    for (let e = 0; e < cl.size; e++) p[e] *= ratio[cl.toSep[e]];
  }
  return pot;
}

/** Point beliefs of every node from tables with the evidence folded in: {beliefs:
 *  [Float64Array], pe: P(evidence)}. */
export function pointBeliefs(tree, cards, tables) {
  const pot = propagate(tree, tables);
  const pe = scatterSum(pot[0], new Int32Array(pot[0].length), 1)[0];
  const beliefs = tree.home.map((h, i) => {
    const out = scatterSum(pot[h.clique], h.map, cards[i]);
    let s = 0;
    for (const x of out) s += x;
    for (let k = 0; k < out.length; k++) out[k] = s > 0 ? out[k] / s : NaN;
    return out;
  });
  return {beliefs, pe};
}

/** The joint of `parents` (node i's, in order; no evidence) at the point tables:
 *  Float64Array, read from node i's family's clique after a propagation. */
export function parentsJoint(tree, cards, cpts, i, parents) {
  if (parents.length === 0) return new Float64Array([1]);
  const k = tree.assign[i], cl = tree.cliques[k];
  const pot = propagate(tree, cpts)[k];
  const m = indexMap(cl.vars, parents, cards);
  const out = scatterSum(pot, m, prod(parents.map((v) => cards[v])));
  let s = 0;
  for (const x of out) s += x;
  for (let j = 0; j < out.length; j++) out[j] /= s;
  return out;
}
