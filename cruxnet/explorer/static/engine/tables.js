/* cruxnet explorer, engine/tables.js: index maps between tables and sums over them (no DOM;
 * MIT, part of cruxnet). Tables are stored parents first, the node's states last (C order),
 * exactly as cruxnet's Python engine stores them.
 */

/** The product of xs (a table's size from its variables' cardinalities). */
export const prod = (xs) => xs.reduce((a, b) => a * b, 1);

/** For each entry of the table over `union` (C order), the entry of the table over `sub`. */
export function indexMap(union, sub, cards) {
  const size = prod(union.map((v) => cards[v]));
  const out = new Int32Array(size);
  const stride = new Map();
  let s = 1;
  for (let k = sub.length - 1; k >= 0; k--) { stride.set(sub[k], s); s *= cards[sub[k]]; }
  const ustr = union.map((v) => stride.get(v) || 0);
  const ucard = union.map((v) => cards[v]);
  const idx = new Int32Array(union.length);
  let off = 0;
  for (let e = 0; e < size; e++) {
    out[e] = off;
    for (let k = union.length - 1; k >= 0; k--) {   // odometer
      idx[k]++; off += ustr[k];
      if (idx[k] < ucard[k]) break;
      off -= ustr[k] * ucard[k]; idx[k] = 0;
    }
  }
  return out;
}

/** out[map[e]] += p[e] for every e, with Neumaier's compensated summation: cliques of tens
 *  of thousands of entries would otherwise lose digits (about n * 1e-16) to rounding. */
export function scatterSum(p, map, size) {
  const sum = new Float64Array(size), comp = new Float64Array(size);
  for (let e = 0; e < p.length; e++) {
    const j = map[e], x = p[e], s = sum[j], t = s + x;
    comp[j] += Math.abs(s) >= Math.abs(x) ? (s - t) + x : (x - t) + s;
    sum[j] = t;
  }
  for (let j = 0; j < size; j++) sum[j] += comp[j];
  return sum;
}
