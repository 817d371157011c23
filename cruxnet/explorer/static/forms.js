/* cruxnet explorer: CPT forms evaluated in the page (no dependencies; MIT, part of cruxnet).
 *
 * A node's parameter draws (a few numbers per draw) become its table draws here, by the same
 * arithmetic as cruxnet.priors.forms, in the same order (so the results agree with Python's to
 * rounding); the parameters an ordering compares arrive coupled, as Python draws them. The programs come from cruxnet.explorer.payload.form_program; a test rebuilds
 * every table in Python from the same parameters and compares.
 *
 * Arrays are entry-major, draw-minor: entry e of draw d is at e * D + d.
 */
"use strict";

const CruxForms = (() => {
  /** Parent state indices of each configuration (C order): Int32Array (configs x parents). */
  function configurations(pc) {
    const m = pc.reduce((a, b) => a * b, 1), np = pc.length;
    const out = new Int32Array(m * np);
    for (let c = 0; c < m; c++) {
      let rest = c;
      for (let j = np - 1; j >= 0; j--) { out[c * np + j] = rest % pc[j]; rest = Math.floor(rest / pc[j]); }
    }
    return out;
  }

  function holds(states, np, c, conds) {
    for (const [axis, allowed] of conds) if (!allowed.includes(states[c * np + axis])) return false;
    return true;
  }

  /** A ByParent value per configuration and draw: Float64Array (configs x D). */
  function byParent(bp, params, states, np, m, D) {
    const out = new Float64Array(m * D);
    for (let c = 0; c < m; c++) {
      const v = params[bp.ids[bp.axis < 0 ? 0 : states[c * np + bp.axis]]];
      out.set(v.subarray(0, D), c * D);
    }
    return out;
  }

  function binaryOut(p, m, D, out) {  // out[c, 1] = p, out[c, 0] = 1 - p
    for (let c = 0; c < m; c++) {
      for (let d = 0; d < D; d++) {
        const x = p[c * D + d];
        out[(c * 2 + 1) * D + d] = x;
        out[(c * 2) * D + d] = 1 - x;
      }
    }
  }

  const clip = (x, lo, hi) => (x < lo ? lo : x > hi ? hi : x);

  function table(t, params, states, pc, k, m, D, out) {
    const rows = params[t.rows], np = pc.length;
    for (let c = 0; c < m; c++) {
      let r = 0;
      for (const axis of t.by) r = r * pc[axis] + states[c * np + axis];
      for (let s = 0; s < k; s++) out.set(rows.subarray((r * k + s) * D, (r * k + s + 1) * D), (c * k + s) * D);
    }
  }

  /** Node table draws (configs x card x D) from its program and decoded parameters. */
  function evaluate(prog, params, pc, k, D) {
    const np = pc.length, states = configurations(pc), m = states.length / Math.max(np, 1) || 1;
    const out = new Float64Array(m * k * D);
    const bp = (b) => byParent(b, params, states, np, m, D);
    if (prog.kind === "table") {
      table(prog, params, states, pc, k, m, D, out);
    } else if (prog.kind === "noisy_or") {
      const stay = new Float64Array(m * D), leak = params[prog.leak];
      for (let c = 0; c < m; c++) for (let d = 0; d < D; d++) stay[c * D + d] = 1 - leak[d];
      for (const cause of prog.causes) {
        const p = bp(cause.p);
        for (let c = 0; c < m; c++) {
          if (!holds(states, np, c, cause.when)) continue;
          for (let d = 0; d < D; d++) stay[c * D + d] *= 1 - p[c * D + d];
        }
      }
      for (let c = 0; c < m; c++) {
        for (let d = 0; d < D; d++) {
          out[(c * 2) * D + d] = stay[c * D + d];
          out[(c * 2 + 1) * D + d] = 1 - stay[c * D + d];
        }
      }
    } else if (prog.kind === "logit_additive") {
      const base = bp(prog.base), logit = new Float64Array(m * D);
      for (let e = 0; e < logit.length; e++) { const b = clip(base[e], 0, 1); logit[e] = Math.log(b) - Math.log1p(-b); }
      for (const r of prog.odds) {
        const v = bp(r);
        for (let e = 0; e < logit.length; e++) logit[e] = logit[e] + Math.log(v[e]);
      }
      const p = new Float64Array(m * D);
      for (let e = 0; e < p.length; e++) p[e] = 1 / (Math.exp(logit[e] * -prog.sharpness) + 1);
      binaryOut(p, m, D, out);
    } else if (prog.kind === "product") {
      const p = bp(prog.base);
      for (const f of prog.factors) { const v = bp(f); for (let e = 0; e < p.length; e++) p[e] = p[e] * v[e]; }
      for (let e = 0; e < p.length; e++) p[e] = clip(p[e], 0, 1);
      binaryOut(p, m, D, out);
    } else if (prog.kind === "linear") {
      const p = bp(prog.base);
      for (const f of prog.effects) { const v = bp(f); for (let e = 0; e < p.length; e++) p[e] = p[e] + v[e]; }
      for (let e = 0; e < p.length; e++) {
        if (prog.clip) p[e] = clip(p[e], prog.clip[0], prog.clip[1]);
        p[e] = clip(p[e], 0, 1);
      }
      binaryOut(p, m, D, out);
    } else if (prog.kind === "shifted") {
      table(prog.base, params, states, pc, k, m, D, out);
      const moved = new Float64Array(k);
      for (const sh of prog.shifts) {
        const p = params[sh.p], movable = new Float64Array(k);
        for (let i = 0; i < k; i++) movable[i] = sh.from === null || sh.from.includes(i) ? 1 : 0;
        movable[sh.up ? k - 1 : 0] = 0;
        for (let c = 0; c < m; c++) {
          if (!holds(states, np, c, sh.when)) continue;
          for (let d = 0; d < D; d++) {
            for (let t = 0; t < sh.times; t++) {
              for (let i = 0; i < k; i++) moved[i] = out[(c * k + i) * D + d] * (movable[i] * p[d]);
              for (let i = 0; i < k; i++) out[(c * k + i) * D + d] -= moved[i];
              if (sh.up) for (let i = 1; i < k; i++) out[(c * k + i) * D + d] += moved[i - 1];
              else for (let i = 0; i < k - 1; i++) out[(c * k + i) * D + d] += moved[i + 1];
            }
          }
        }
      }
    } else {
      throw new Error(`form ${prog.kind} is not rebuilt in the page`);
    }
    if (prog.require.length) {
      for (let c = 0; c < m; c++) {
        if (holds(states, np, c, prog.require)) continue;
        for (let s = 0; s < k; s++) out.fill(s === prog.otherwise ? 1 : 0, (c * k + s) * D, (c * k + s + 1) * D);
      }
    }
    return out;
  }

  return {evaluate};
})();
