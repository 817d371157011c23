/* cruxnet explorer, model/decode.js: the payload's binary arrays (no DOM; MIT, part of
 * cruxnet): base64 to typed arrays, and table columns as cruxnet.explorer.payload.encode_draws
 * writes them.
 */

/** The bytes of a base64 string. */
export function bytes(b64) {
  const bin = atob(b64), out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export const f64 = (b64) => new Float64Array(bytes(b64).buffer);
export const f32 = (b64) => new Float32Array(bytes(b64).buffer);

/** Table columns as encoded by cruxnet.explorer.payload.encode_draws: Float64Array
 *  (entries x D), entry-major. Per row, the dropped state is one minus the others' sum; a
 *  row whose rounded entries sum above 1 is divided by that sum. */
export function decodeColumns(enc, entries, D) {
  const out = new Float64Array(entries * D);
  const card = enc.card, src = enc.source, constant = f64(enc.constant);
  const data = enc.data ? f32(enc.data) : new Float32Array(0);
  const width = data.length / D;
  const constIdx = new Int32Array(src.length);
  let c = 0;
  for (let j = 0; j < src.length; j++) constIdx[j] = src[j] < 0 ? c++ : -1;
  const rows = src.length / (card - 1), drop = enc.drop;
  const free = new Float64Array(card - 1);
  for (let r = 0; r < rows; r++) {
    const dropped = (r * card + drop[r]) * D;
    for (let d = 0; d < D; d++) {
      let total = 0;
      for (let s = 0; s < card - 1; s++) {
        const j = r * (card - 1) + s;
        free[s] = src[j] < 0 ? constant[constIdx[j]] : data[d * width + src[j]];
        total += free[s];
      }
      const over = total > 1;
      for (let s = 0, k = 0; s < card; s++) {
        if (s === drop[r]) continue;
        out[(r * card + s) * D + d] = over ? free[k] / total : free[k];
        k++;
      }
      out[dropped + d] = over ? 0 : 1 - total;
    }
  }
  return out;
}
