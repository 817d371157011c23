/* cruxnet explorer, engine/intervals.js: equal-tailed intervals over parameter draws, as
 * numpy and cruxnet.inference.summary compute them (no DOM; MIT, part of cruxnet).
 */

/** numpy's default (linear) quantile of a sorted sample. */
export function quantileSorted(v, q) {
  const h = (v.length - 1) * q, lo = Math.floor(h), t = h - lo;
  if (lo + 1 >= v.length) return v[v.length - 1];
  const a = v[lo], b = v[lo + 1], diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** The equal-tailed interval of values that are not NaN (cruxnet.inference.summary). */
export function equalTailed(values, prob) {
  const v = Float64Array.from(values.filter((x) => !Number.isNaN(x))).sort();
  if (v.length === 0) return [NaN, NaN];
  return [quantileSorted(v, (1 - prob) / 2), quantileSorted(v, (1 + prob) / 2)];
}
