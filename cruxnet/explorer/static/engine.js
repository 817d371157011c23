/* cruxnet explorer: the exact engine (no dependencies; MIT, part of cruxnet).
 *
 * Discrete Bayesian networks with tables stored parents first, the node's states last
 * (C order), exactly as cruxnet's Python engine stores them.
 *
 *  - Point beliefs of every node: Hugin propagation on a junction tree compiled in Python
 *    (cruxnet/explorer/junction.py): collect to the root, distribute back.
 *  - P(target, evidence) in each parameter draw: the pairwise contraction plan Python's
 *    batched engine uses (opt_einsum's greedy path, draws innermost), run on arrays laid out
 *    entry-major, draw-minor, so each step's inner loop runs over draws.
 *  - Evidence: hard (an indicator), likelihood (weights on the node's states) and do() (the
 *    node's table replaced by an indicator that ignores its parents: graph surgery), all
 *    folded into the node's own table before either pass.
 *  - Stated marginals ("my view"): the node's table multiplied by common per-state factors
 *    and renormalised so that the network implies the marginal (cruxnet.inference.marginals);
 *    Newton's method on the convex dual, node by node in topological order.
 *
 * Checked only against the Python engine and pyAgrum: under Node.js
 * (tests/oracles/test_explorer_numbers.py) and in Chromium (tests/system/test_explorer_browser.py).
 */
"use strict";

const CruxEngine = (() => {
  const prod = (xs) => xs.reduce((a, b) => a * b, 1);
  /** Draws per pass through the contraction plan (benchmarks/explorer.py chose it). */
  const BLOCK = 64;

  /** For each entry of the table over `union` (C order), the entry of the table over `sub`. */
  function indexMap(union, sub, cards) {
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
  function scatterSum(p, map, size) {
    const sum = new Float64Array(size), comp = new Float64Array(size);
    for (let e = 0; e < p.length; e++) {
      const j = map[e], x = p[e], s = sum[j], t = s + x;
      comp[j] += Math.abs(s) >= Math.abs(x) ? (s - t) + x : (x - t) + s;
      sum[j] = t;
    }
    for (let j = 0; j < size; j++) sum[j] += comp[j];
    return sum;
  }

  /** Bytes of step results kept across clicks (see WasmPlan.run); beyond it none are kept. */
  const CACHE_LIMIT = 384 * 1024 * 1024;

  /** The contraction plan run by the WebAssembly kernels (kernels.wat): draw tables, maps and
   *  each step's block buffer live in the module's memory. A step whose operands involve no
   *  node with evidence gives the same result for every click: it is computed once per set of
   *  tables (for all draws) and kept, so a click recomputes only the steps its evidence
   *  reaches. */
  class WasmPlan {
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

  class Engine {
    /** model: {nodes: [{states, parents}]}, junction: {cliques, parent, assign, home},
     *  plan: [{in: [...], out: [...]}], target: node index. */
    /** wasmBytes: kernels.wasm (or null: the same loops in plain JavaScript). */
    constructor(model, junction, plan, target, wasmBytes) {
      this.wasmBytes = typeof WebAssembly === "object" && wasmBytes ? wasmBytes : null;
      this.useWasm = true;
      this.nodes = model.nodes;
      this.n = this.nodes.length;
      this.cards = this.nodes.map((x) => x.states.length);
      this.scopes = this.nodes.map((x, i) => [...x.parents, i]);
      this.target = target;
      this.order = this._topological();
      this._compileJunction(junction);
      this._compilePlan(plan);
    }

    _topological() {
      const seen = new Array(this.n).fill(false), out = [];
      const visit = (i) => {
        if (seen[i]) return;
        seen[i] = true;
        for (const p of this.nodes[i].parents) visit(p);
        out.push(i);
      };
      for (let i = 0; i < this.n; i++) visit(i);
      return out;
    }

    _compileJunction(jt) {
      const c = this.cards;
      this.cliques = jt.cliques.map((vars, k) => ({
        vars, size: prod(vars.map((v) => c[v])), parent: jt.parent[k], families: [],
      }));
      jt.assign.forEach((k, i) => {
        this.cliques[k].families.push({node: i, map: indexMap(this.cliques[k].vars, this.scopes[i], c)});
      });
      for (const cl of this.cliques) {
        if (cl.parent < 0) continue;
        const par = this.cliques[cl.parent];
        cl.sep = cl.vars.filter((v) => par.vars.includes(v));
        cl.sepSize = prod(cl.sep.map((v) => c[v]));
        cl.toSep = indexMap(cl.vars, cl.sep, c);
        cl.parentToSep = indexMap(par.vars, cl.sep, c);
      }
      this.home = jt.home.map((k, i) => ({clique: k, map: indexMap(this.cliques[k].vars, [i], c)}));
      this.assign = jt.assign;
    }

    _compilePlan(plan) {
      const scopes = this.scopes.map((s) => s.slice());
      this.steps = plan.map((st) => {
        const union = [...new Set(st.in.flatMap((k) => scopes[k]))].sort((a, b) => a - b);
        const step = {in: st.in, out: st.out, size: prod(union.map((v) => this.cards[v])),
                      outSize: prod(st.out.map((v) => this.cards[v])),
                      maps: st.in.map((k) => indexMap(union, scopes[k], this.cards)),
                      outMap: indexMap(union, st.out, this.cards)};
        scopes.push(st.out);
        return step;
      });
      this.planResult = scopes.length - 1;
      this.planOut = scopes[scopes.length - 1];
      this.work = this.steps.reduce((a, s) => a + s.size, 0);
    }

    /** Node i's table with evidence folded in (D draws, entry-major; D = 1 for points). */
    fold(i, table, D, ev) {
      const card = this.cards[i], name = this.nodes[i].id;
      const doState = ev.do && ev.do[name], hard = ev.hard && ev.hard[name];
      const lik = ev.likelihood && ev.likelihood[name];
      if (doState === undefined && hard === undefined && lik === undefined) return table;
      const out = new Float64Array(table.length);
      const rows = table.length / (card * D);
      // Every kind given on the node multiplies in, as in Python: a hard state and a
      // likelihood with a zero there, or do() and a different hard state, have probability 0.
      const w = new Float64Array(card).fill(1);
      if (hard !== undefined) w.forEach((_, k) => { if (this.nodes[i].states[k] !== hard) w[k] = 0; });
      if (lik !== undefined) this.nodes[i].states.forEach((st, k) => { w[k] *= lik[st]; });
      if (doState !== undefined) {
        const s = this.nodes[i].states.indexOf(doState);
        for (let r = 0; r < rows; r++) out.fill(w[s], (r * card + s) * D, (r * card + s + 1) * D);
        return out;
      }
      for (let r = 0; r < rows; r++) {
        for (let s = 0; s < card; s++) {
          const base = (r * card + s) * D, ws = w[s];
          for (let d = 0; d < D; d++) out[base + d] = table[base + d] * ws;
        }
      }
      return out;
    }

    /** Every clique's potential after collect and distribute (Hugin), from point tables. */
    _propagate(tables) {
      const pot = this.cliques.map((cl) => {
        const p = new Float64Array(cl.size).fill(1);
        for (const f of cl.families) {
          const t = tables[f.node], m = f.map;
          for (let e = 0; e < cl.size; e++) p[e] *= t[m[e]];
        }
        return p;
      });
      const K = this.cliques.length, seps = new Array(K);
      for (let k = K - 1; k > 0; k--) {            // collect: children before parents
        const cl = this.cliques[k], sep = scatterSum(pot[k], cl.toSep, cl.sepSize);
        seps[k] = sep;
        const pp = pot[cl.parent], m = cl.parentToSep;
        for (let e = 0; e < pp.length; e++) pp[e] *= sep[m[e]];
      }
      for (let k = 1; k < K; k++) {                // distribute: parents before children
        const cl = this.cliques[k], fresh = scatterSum(pot[cl.parent], cl.parentToSep, cl.sepSize);
        const old = seps[k], ratio = new Float64Array(cl.sepSize);
        for (let j = 0; j < ratio.length; j++) ratio[j] = old[j] === 0 ? 0 : fresh[j] / old[j];
        const p = pot[k];
        for (let e = 0; e < cl.size; e++) p[e] *= ratio[cl.toSep[e]];
      }
      return pot;
    }

    /** Point beliefs of every node: {beliefs: [Float64Array], pe: P(evidence)}. */
    beliefs(cpts, ev) {
      const pot = this._propagate(cpts.map((t, i) => this.fold(i, t, 1, ev)));
      const pe = scatterSum(pot[0], new Int32Array(pot[0].length), 1)[0];
      const beliefs = this.home.map((h, i) => {
        const out = scatterSum(pot[h.clique], h.map, this.cards[i]);
        let s = 0;
        for (const x of out) s += x;
        for (let k = 0; k < out.length; k++) out[k] = s > 0 ? out[k] / s : NaN;
        return out;
      });
      return {beliefs, pe};
    }

    /** P(target = each state, evidence) in each of D draws: Float64Array (card x D).
     *  Draws go through the plan in blocks of BLOCK, so intermediates stay in cache. */
    targetJoint(tables, D, ev, block) {
      if (this.wasmBytes && this.useWasm && !block) {
        if (!this.wasm || this.wasm.D !== D) this.wasm = new WasmPlan(this, this.wasmBytes, D);
        return this.wasm.run(tables, ev);
      }
      const B = Math.min(block || BLOCK, D);
      const folded = tables.map((t, i) => this.fold(i, t, D, ev));
      const card = this.cards[this.target];
      const result = new Float64Array(card * D);
      const bufs = this.steps.map((st) => new Float64Array(st.outSize * B));
      for (let d0 = 0; d0 < D; d0 += B) {
        const n = Math.min(B, D - d0);
        // operand k: [array, stride, offset]
        const ops = folded.map((t) => [t, D, d0]);
        for (let k = 0; k < this.steps.length; k++) {
          const st = this.steps[k], out = bufs[k], om = st.outMap;
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
        const [R, sr, or] = this.steps.length ? ops[ops.length - 1] : ops[this.target];
        for (let s = 0; s < card; s++) {
          for (let d = 0; d < n; d++) result[s * D + d0 + d] = R[s * sr + or + d];
        }
      }
      return result;
    }

    /** The parents' joint of node i (no evidence) at the point tables: Float64Array over
     *  its parents in order, read from its family's clique after a propagation. */
    parentsJoint(cpts, i) {
      const parents = this.nodes[i].parents;
      if (parents.length === 0) return new Float64Array([1]);
      const k = this.assign[i], cl = this.cliques[k];
      const pot = this._propagate(cpts)[k];
      const m = indexMap(cl.vars, parents, this.cards);
      const out = scatterSum(pot, m, prod(parents.map((v) => this.cards[v])));
      let s = 0;
      for (const x of out) s += x;
      for (let j = 0; j < out.length; j++) out[j] /= s;
      return out;
    }

    /** Node i's table tilted so that, with parents' joint w, its marginal is m. Returns the
     *  new table, or null if m cannot be reached (a state the table never gives). */
    tilt(table, w, m, card) {
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

    /** The point tables with stated marginals {node: [p...]} met, in topological order. */
    withMarginals(cpts, marginals) {
      const out = cpts.slice();
      for (const i of this.order) {
        const m = marginals[this.nodes[i].id];
        if (!m) continue;
        const w = this.parentsJoint(out, i);
        const t = this.tilt(out[i], w, m, this.cards[i]);
        if (t === null) throw new Error(`${this.nodes[i].id}: this marginal cannot be reached from the node's table`);
        out[i] = t;
      }
      return out;
    }
  }

  /** Solve A x = b (k x k, symmetric positive definite up to rounding) by Gaussian
   *  elimination with partial pivoting. */
  function solve(A, b, k) {
    const M = A.map((row, i) => [...row, b[i]]);
    for (let c = 0; c < k; c++) {
      let p = c;
      for (let r = c + 1; r < k; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
      [M[c], M[p]] = [M[p], M[c]];
      const piv = M[c][c] || 1e-300;
      for (let r = c + 1; r < k; r++) {
        const f = M[r][c] / piv;
        for (let j = c; j <= k; j++) M[r][j] -= f * M[c][j];
      }
    }
    const x = new Array(k).fill(0);
    for (let r = k - 1; r >= 0; r--) {
      let s = M[r][k];
      for (let j = r + 1; j < k; j++) s -= M[r][j] * x[j];
      x[r] = s / (M[r][r] || 1e-300);
    }
    return x;
  }

  /** numpy's default (linear) quantile of a sorted sample. */
  function quantileSorted(v, q) {
    const h = (v.length - 1) * q, lo = Math.floor(h), t = h - lo;
    if (lo + 1 >= v.length) return v[v.length - 1];
    const a = v[lo], b = v[lo + 1], diff = b - a;
    return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
  }

  /** The equal-tailed interval of values that are not NaN (cruxnet.inference.summary). */
  function equalTailed(values, prob) {
    const v = Float64Array.from(values.filter((x) => !Number.isNaN(x))).sort();
    if (v.length === 0) return [NaN, NaN];
    return [quantileSorted(v, (1 - prob) / 2), quantileSorted(v, (1 + prob) / 2)];
  }

  return {Engine, indexMap, equalTailed, quantileSorted, BLOCK};
})();
