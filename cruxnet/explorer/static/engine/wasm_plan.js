/* cruxnet explorer, engine/wasm_plan.js: the contraction plan (engine/plan.js) run by the
 * WebAssembly kernels (kernels.wat; no DOM; MIT, part of cruxnet), with the step results no
 * evidence reaches kept across clicks.
 */
import {BLOCK} from "./plan.js";
import {prod} from "./tables.js";

/** Bytes of step results kept across clicks (see WasmPlan.run); beyond it none are kept. */
const CACHE_LIMIT = 384 * 1024 * 1024;

/** The contraction plan run by the WebAssembly kernels (kernels.wat): draw tables, maps and
 *  each step's block buffer live in the module's memory. A step whose operands involve no
 *  node with evidence gives the same result for every click: it is computed once per set of
 *  tables (for all draws) and kept, so a click recomputes only the steps its evidence
 *  reaches. `engine` (engine/index.js) gives the steps, scopes, cards and fold(). */
export class WasmPlan {
  constructor(engine, bytes, D) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    this.ex = instance.exports;
    this.engine = engine;
    this.D = D;
    this.B = Math.min(BLOCK, D);
    this.blocks = Math.ceil(D / this.B);
    this.top = 64;
    const put32 = (arr) => { const p = this.alloc(arr.length * 4); new Int32Array(this.ex.memory.buffer, p, arr.length).set(arr); return p; };
    this.steps = engine.steps.map((st) => ({
      maps: st.maps.map(put32), outMap: put32(st.outMap),
      buf: this.alloc(st.outSize * this.B * 8), outSize: st.outSize,
    }));
    const sizes = engine.scopes.map((sc) => prod(sc.map((v) => engine.cards[v])));
    this.slots = sizes.map((n) => this.alloc(n * D * 8));
    this.folded = sizes.map((n) => this.alloc(n * D * 8));
    const cacheBytes = engine.steps.reduce((a, st) => a + st.outSize * this.B * this.blocks * 8, 0);
    this.caching = cacheBytes <= CACHE_LIMIT;
    this.cachePtr = this.steps.map(() => 0);
    this.cached = this.steps.map(() => false);
    this.loaded = null;
    // Leaves (node tables) under each step.
    const leaves = engine.scopes.map((_, i) => [i]);
    for (const st of engine.steps) leaves.push(st.in.flatMap((k) => leaves[k]));
    this.leaves = leaves.slice(engine.n);
  }

  alloc(bytes) {
    const p = this.top;
    this.top += Math.ceil(bytes / 16) * 16;
    const need = this.top - this.ex.memory.buffer.byteLength;
    if (need > 0) this.ex.memory.grow(Math.ceil(need / 65536));
    return p;
  }

  run(tables, ev) {
    const e = this.engine, D = this.D, B = this.B;
    if (this.loaded !== tables) {
      const f64 = new Float64Array(this.ex.memory.buffer);
      tables.forEach((t, i) => f64.set(t, this.slots[i] / 8));
      this.loaded = tables;
      this.cached.fill(false);
    }
    const touched = new Set();
    const base = tables.map((t, i) => {
      const folded = e.fold(i, t, D, ev);
      if (folded === t) return this.slots[i];
      touched.add(i);
      new Float64Array(this.ex.memory.buffer).set(folded, this.folded[i] / 8);
      return this.folded[i];
    });
    // Steps the evidence reaches are computed per block; the others come from the cache
    // (filled on first use).
    const reached = this.leaves.map((ls) => ls.some((i) => touched.has(i)));
    const keep = this.steps.map((w, k) => this.caching && !reached[k]);
    for (let k = 0; k < this.steps.length; k++) {
      if (keep[k] && !this.cachePtr[k]) this.cachePtr[k] = this.alloc(this.steps[k].outSize * B * this.blocks * 8);
    }
    const f64 = new Float64Array(this.ex.memory.buffer);
    const card = e.cards[e.target], result = new Float64Array(card * D);
    const fill = this.steps.map((w, k) => keep[k] && !this.cached[k]);
    for (let b = 0; b * B < D; b++) {
      const d0 = b * B, n = Math.min(B, D - d0);
      const ops = base.map((p) => [p, D, d0]);
      for (let k = 0; k < e.steps.length; k++) {
        const st = e.steps[k], w = this.steps[k];
        const out = keep[k] ? this.cachePtr[k] + b * w.outSize * B * 8 : w.buf;
        ops.push([out, B, 0]);
        if (keep[k] && !fill[k]) continue;       // kept from an earlier click
        f64.fill(0, out / 8, out / 8 + w.outSize * B);
        if (st.in.length === 2) {
          const [pa, sa, oa] = ops[st.in[0]], [pb, sb, ob] = ops[st.in[1]];
          this.ex.step2(out, pa, pb, w.outMap, w.maps[0], w.maps[1], st.size, n, B, sa, oa, sb, ob);
        } else if (st.in.length === 1) {
          const [pa, sa, oa] = ops[st.in[0]];
          this.ex.step1(out, pa, w.outMap, w.maps[0], st.size, n, B, sa, oa);
        } else {
          for (let u = 0; u < st.size; u++) {
            const o = out / 8 + st.outMap[u] * B;
            for (let d = 0; d < n; d++) {
              let x = 1;
              for (let j = 0; j < st.in.length; j++) {
                const [p, sp, op] = ops[st.in[j]];
                x *= f64[p / 8 + st.maps[j][u] * sp + op + d];
              }
              f64[o + d] += x;
            }
          }
        }
      }
      const [pr, sr, or] = e.steps.length ? ops[ops.length - 1] : ops[e.target];
      for (let s = 0; s < card; s++) {
        for (let d = 0; d < n; d++) result[s * D + d0 + d] = f64[pr / 8 + s * sr + or + d];
      }
    }
    fill.forEach((f, k) => { if (f) this.cached[k] = true; });
    return result;
  }
}
