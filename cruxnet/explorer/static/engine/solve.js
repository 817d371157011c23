/* cruxnet explorer, engine/solve.js: small dense linear systems (no DOM; MIT, part of
 * cruxnet), for the Newton steps of engine/marginals.js.
 */

/** Solve A x = b (k x k, symmetric positive definite up to rounding) by Gaussian
 *  elimination with partial pivoting. */
export function solve(A, b, k) {
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
