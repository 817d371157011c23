/* cruxnet explorer, engine/plan.js: P(target, evidence) in each parameter draw by the pairwise
 * contraction plan Python's batched engine uses (opt_einsum's greedy path; no DOM; MIT, part of
 * cruxnet), in plain JavaScript. Arrays are entry-major, draw-minor (entry e of draw d at
 * e * D + d), so each step's inner loop runs over draws; engine/wasm_plan.js runs the same
 * steps in WebAssembly.
 */
import {indexMap, prod} from "./tables.js";

/** Draws per pass through the contraction plan (benchmarks/explorer.py chose it). */
export const BLOCK = 64;

/** The plan [{in: [operand ids], out: [variables]}] with each step's index maps: {steps:
 *  [{in, out, size, outSize, maps, outMap}], planResult, planOut, work}. Operands 0..n-1 are
 *  the node tables (scopes[i]: parents, then i); step k's result is operand n + k. */
export function compilePlan(plan, scopes, cards) {
  scopes = scopes.map((s) => s.slice());
  const steps = plan.map((st) => {
    const union = [...new Set(st.in.flatMap((k) => scopes[k]))].sort((a, b) => a - b);
    const step = {in: st.in, out: st.out, size: prod(union.map((v) => cards[v])),
                  outSize: prod(st.out.map((v) => cards[v])),
                  maps: st.in.map((k) => indexMap(union, scopes[k], cards)),
                  outMap: indexMap(union, st.out, cards)};
    scopes.push(st.out);
    return step;
  });
  return {steps, planResult: scopes.length - 1, planOut: scopes[scopes.length - 1],
          work: steps.reduce((a, s) => a + s.size, 0)};
}

/** The plan's result (the target's `card` states x D draws) from the folded tables, B draws
 *  at a time so intermediates stay in cache. */
export function contract(steps, folded, D, target, card, B) {
  const result = new Float64Array(card * D);
  const bufs = steps.map((st) => new Float64Array(st.outSize * B));
  for (let d0 = 0; d0 < D; d0 += B) {
    const n = Math.min(B, D - d0);
    // operand k: [array, stride, offset]
    const ops = folded.map((t) => [t, D, d0]);
    for (let k = 0; k < steps.length; k++) {
      const st = steps[k], out = bufs[k], om = st.outMap;
      out.fill(0);
      if (st.in.length === 2) {
        const [A, sa, oa] = ops[st.in[0]], [Bv, sb, ob] = ops[st.in[1]];
        const ma = st.maps[0], mb = st.maps[1];
        for (let u = 0; u < st.size; u++) {
          const o = om[u] * B, a = ma[u] * sa + oa, b = mb[u] * sb + ob;
          for (let d = 0; d < n; d++) out[o + d] += A[a + d] * Bv[b + d];
        }
      } else {
        for (let u = 0; u < st.size; u++) {
          const o = om[u] * B;
          for (let d = 0; d < n; d++) {
            let x = 1;
            for (let j = 0; j < st.in.length; j++) {
              const [A, sa, oa] = ops[st.in[j]];
              x *= A[st.maps[j][u] * sa + oa + d];
            }
            out[o + d] += x;
          }
        }
      }
      ops.push([out, B, 0]);
    }
    const [R, sr, or] = steps.length ? ops[ops.length - 1] : ops[target];
    for (let s = 0; s < card; s++) {
      for (let d = 0; d < n; d++) result[s * D + d0 + d] = R[s * sr + or + d];
    }
  }
  return result;
}
