/* cruxnet explorer, page/format.js: probabilities as the page writes them (MIT, part of
 * cruxnet).
 */

/** A percentage for a bar: whole near 0 and 1, "<0.1%" below it, one decimal otherwise. */
export const pct = (p) => (p >= 0.9995 || p === 0 ? `${(100 * p).toFixed(0)}%` : p < 0.001 ? "<0.1%" : `${(100 * p).toFixed(1)}%`);

/** Three decimals, or "n/a" (NaN: impossible evidence, no draws). */
export function fmt(p) { return Number.isFinite(p) ? p.toFixed(3) : "n/a"; }
