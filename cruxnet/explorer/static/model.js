/* cruxnet explorer: the page's numbers, without the page (no dependencies; MIT, part of cruxnet).
 *
 * CruxModel.create(DATA) reads the JSON payload cruxnet.explorer.payload writes (the point
 * tables, the parameter draws as forms' parameters or table columns, the junction tree and the
 * contraction plan) and answers every number the page shows: point beliefs, P(target) per
 * parameter draw and its interval, the one-way swings, each table's draws, with stated
 * marginals ("my view") met. It touches no DOM, so the same code runs in the page
 * (explorer.js) and under Node.js, where tests/js/ checks it against golden vectors written by
 * the Python engine.
 */
"use strict";

const CruxModel = (() => {
  function create(DATA) {
    const model = DATA.model;
    const nodes = model.nodes;
    const ids = nodes.map((n) => n.id);
    const index = Object.fromEntries(ids.map((id, i) => [id, i]));
    const target = model.target;
    const soi = model.state;
    const D = DATA.draws;
    const cache = new Map();
    function bytes(b64) {
      const bin = atob(b64), out = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
      return out;
    }
    const f64 = (b64) => new Float64Array(bytes(b64).buffer);
    const f32 = (b64) => new Float32Array(bytes(b64).buffer);

    const engine = DATA.limits.no_engine ? null
      : new CruxEngine.Engine(model, DATA.junction, DATA.plan, target,
                              DATA.kernels ? bytes(DATA.kernels) : null);

    const worldviews = DATA.worldviews.map((w) => ({...w, point: w.cpts.map(f64), tables: null}));

    /** Table columns as encoded by cruxnet.explorer.payload.encode_draws: Float64Array
     *  (entries x D), entry-major. Per row, the dropped state is one minus the others' sum; a
     *  row whose rounded entries sum above 1 is divided by that sum. */
    function decodeColumns(enc, entries) {
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

    /** A table rebuilt from its form's parameter draws (forms.js; the parameters an ordering
     *  compares come coupled, as cruxnet.priors.draws draws them). */
    function fromForm(enc, i) {
      const params = enc.params.map((p) => {
        if (p.rows) return decodeColumns(p.rows, p.shape[0] * p.shape[1]);
        if (p.constant !== undefined) return new Float64Array(D).fill(p.constant);
        return Float64Array.from(f32(p.f32));
      });
      const pc = nodes[i].parents.map((j) => nodes[j].states.length), k = nodes[i].states.length;
      const out = CruxForms.evaluate(enc.program, params, pc, k, D);
      return out;
    }

    /** The draws of every node's table, entry-major and draw-minor (Float64Array per node). */
    function drawTables(w) {
      if (w.tables) return w.tables;
      w.tables = w.point.map((pt, i) => {
        let enc = w.draws && w.draws[ids[i]];
        if (enc && enc.same_as !== undefined) enc = DATA.worldviews[enc.same_as].draws[ids[i]];
        if (!enc) {
          const out = new Float64Array(pt.length * D);
          for (let e = 0; e < pt.length; e++) out.fill(pt[e], e * D, (e + 1) * D);
          return out;
        }
        return enc.program ? fromForm(enc, i) : decodeColumns(enc, pt.length);
      });
      return w.tables;
    }

    /** Node `node`'s table in draws [d0, d1) of worldview wv: [[entries...], ...]. */
    function tableDraws(wv, node, d0, d1) {
      const t = drawTables(worldviews[wv])[index[node]], n = t.length / D, out = [];
      for (let d = d0; d < d1; d++) {
        const row = [];
        for (let e = 0; e < n; e++) row.push(t[e * D + d]);
        out.push(row);
      }
      return out;
    }

    function normalEvidence(ev) {
      ev = ev || {};
      const out = {hard: {...(ev.hard || {})}, do: {...(ev.do || {})}, likelihood: {}};
      for (const [n, w] of Object.entries(ev.likelihood || {})) out.likelihood[n] = {...w};
      for (const kind of ["hard", "do", "likelihood"]) {
        for (const [n, v] of Object.entries(out[kind])) {
          if (!(n in index)) throw new Error(`unknown node ${n}`);
          const states = nodes[index[n]].states;
          if (kind === "likelihood") {
            for (const st of states) if (!(st in v)) throw new Error(`${n}: the likelihood must give every state (${st} is missing)`);
            for (const st of Object.keys(v)) if (!states.includes(st)) throw new Error(`${n}: unknown state ${st}`);
          } else if (!states.includes(v)) throw new Error(`${n}: unknown state ${v}`);
        }
      }
      return out;
    }

    /** Point tables of worldview w with the stated marginals of `mine` met. */
    function pointTables(w, mine) {
      const key = `p|${w}|${JSON.stringify(mine)}`;
      if (!cache.has(key)) cache.set(key, engine.withMarginals(worldviews[w].point, mine));
      return cache.get(key);
    }

    /** Draw tables of worldview w with `mine` met in every draw (each draw tilted alone). */
    function tablesWithMine(w, mine) {
      const base = drawTables(worldviews[w]);
      if (Object.keys(mine).length === 0) return base;
      const key = `d|${w}|${JSON.stringify(mine)}`;
      if (cache.has(key)) return cache.get(key);
      const out = base.map((t) => Float64Array.from(t));
      const one = base.map((t) => new Float64Array(t.length / D));
      for (let d = 0; d < D; d++) {
        for (let i = 0; i < ids.length; i++) {
          const t = base[i], o = one[i];
          for (let e = 0; e < o.length; e++) o[e] = t[e * D + d];
        }
        let tilted;
        try { tilted = engine.withMarginals(one, mine); } catch (err) { tilted = null; }
        for (let i = 0; i < ids.length; i++) {
          if (!(ids[i] in mine)) continue;
          const o = out[i];
          for (let e = 0; e < one[i].length; e++) o[e * D + d] = tilted ? tilted[i][e] : NaN;
        }
      }
      cache.set(key, out);
      return out;
    }

    /** Every node's point beliefs under ev in worldview wv with `mine` met: {beliefs, pe}. */
    function beliefs(wv, mine, ev) {
      return engine.beliefs(pointTables(wv, mine), normalEvidence(ev));
    }

    /** P(target = state of interest | ev) in each draw (NaN where ev is impossible). */
    function targetDraws(wv, mine, ev) {
      if (!D || DATA.limits.no_draws) return new Float64Array(0);
      const joint = engine.targetJoint(tablesWithMine(wv, mine), D, normalEvidence(ev));
      const card = nodes[target].states.length, out = new Float64Array(D);
      for (let d = 0; d < D; d++) {
        let z = 0;
        for (let k = 0; k < card; k++) z += joint[k * D + d];
        out[d] = z > 0 && Number.isFinite(z) ? joint[soi * D + d] / z : NaN;
      }
      return out;
    }

    /** One-way swings of P(target = soi) under the evidence, as cruxnet.sensitivity.node_swings:
     *  P(T | e, X = x) = P(X = x | e, T) P(T | e) / P(X = x | e). */
    function swings(wv, mine, ev, known) {
      ev = normalEvidence(ev);
      const tables = pointTables(wv, mine);
      const base = known || engine.beliefs(tables, ev);
      const tName = ids[target], tState = nodes[target].states[soi];
      const pt = base.beliefs[target][soi];
      if (tName in ev.hard || tName in ev.do || !(pt > 0)) return [];
      const withT = {...ev, hard: {...ev.hard, [tName]: tState}};
      const given = engine.beliefs(tables, withT).beliefs;
      const out = [];
      nodes.forEach((n, i) => {
        if (i === target || model.outcomes.includes(i)) return;
        if (n.id in ev.hard || n.id in ev.do || n.id in ev.likelihood) return;
        let low = Infinity, high = -Infinity, lowState = "", highState = "";
        n.states.forEach((st, k) => {
          const px = base.beliefs[i][k];
          if (!(px > 0)) return;
          const v = given[i][k] * pt / px;
          if (v < low) { low = v; lowState = st; }
          if (v > high) { high = v; highState = st; }
        });
        if (low <= high) out.push({node: n.id, low, high, lowState, highState, swing: high - low});
      });
      out.sort((a, b) => b.swing - a.swing || (a.node < b.node ? -1 : 1));
      return out;
    }

    /** {p, lo, hi, kept}: P(target = state of interest) and its equal-tailed interval. */
    function interval(wv, mine, ev) {
      const per = Array.from(targetDraws(wv, mine, ev));
      const [lo, hi] = CruxEngine.equalTailed(per, DATA.ci_prob);
      return {p: beliefs(wv, mine, ev).beliefs[target][soi], lo, hi,
              kept: per.filter((x) => !Number.isNaN(x)).length};
    }

    return {engine, worldviews, ids, index, nodes, target, soi, D, cache, normalEvidence,
            drawTables, tableDraws, pointTables, beliefs, targetDraws, swings, interval};
  }
  return {create};
})();
