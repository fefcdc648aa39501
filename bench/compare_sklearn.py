#!/usr/bin/python3
"""Run scikit-learn and sfl-encode on the same elastic-net problems; print speeds, their ratio
and how well the two agree (issue 5).

usage: /usr/bin/python3 bench/compare_sklearn.py --encode build/native-release/apps/sfl-encode/sfl-encode
           [--out DIR] [--signals N] [--l1 0.1] [--l2 0.01] [--repeat R]
           [--problems mnist5,mnist8,gauss800] [--solvers lars,cd] [--sklearn-dtype float64|float32]
           [--fail-above 1e-3]
       /usr/bin/python3 bench/compare_sklearn.py --encode ... --problems files --dict P.npy --input X.npy
           [--label TEXT]

Problems (those of docs/benchmarks.md), written as float32 C-order .npy to --out
(default: a temporary directory, removed afterwards):
  mnist5    25x20: the committed tests/data/enet/mnist5_{P,X}.npy (400 5x5 MNIST patches,
            40 blank, over 20 unit-norm MNIST patches; scripts/make_fixtures.py)
  mnist8    64x256: tests/data/enet/mnist8_{P,X}.npy (100 8x8 MNIST patches over 256
            unit-norm Gaussian atoms)
  gauss800  800x500: unit-norm Gaussian signals over 500 unit-norm Gaussian atoms
            (numpy default_rng(800500))
  files     your own problem: --dict P.npy (m x K) and --input X.npy (N x m), any float
            dtype; the first --signals rows of X are used (tiled if X has fewer), e.g. the
            real SF-layer inputs that bench/sf_real_inputs.sh writes
The fixtures' signals are tiled (repeated) to reach --signals; the output says so.

Both sides solve, per signal x (length m) and dictionary P (m x K, atoms as columns),
    a* = argmin_a 1/2 ||x - P a||^2 + l1 ||a||_1 + l2/2 ||a||^2       (docs/design.md section 2)
sfl: `sfl-encode --solver lars|cd --threads 1 --json -`.
scikit-learn: sparse_encode(X, D, algorithm="lasso_lars", alpha=l1, n_jobs=1), D = P^T (atoms
as rows). sparse_encode passes LassoLars alpha / n_features, and LassoLars minimises
1/(2 n) ||y - D^T a||^2 + (alpha / n) ||a||_1 with n = n_features, i.e. our objective with
l2 = 0 divided by n: so sparse_encode's alpha is l1. lasso_lars has no L2 term; for l2 > 0 it
solves the lasso on the augmented problem x_aug = [x; 0_K], P_aug = [P; sqrt(l2) I_K]:
    1/2 ||x_aug - P_aug a||^2 = 1/2 ||x - P a||^2 + l2/2 ||a||^2,
the elastic net exactly (n_features becomes m + K, which sparse_encode's scaling absorbs).
Building the augmented arrays is timed as part of scikit-learn's encode.

Timing: time.perf_counter around sparse_encode only (problem generation and the dtype
conversion excluded); sfl: its own reported signals/s (encode only) and signals / wall time
of the whole process (start-up, .npy read and write included). Median over --repeat runs.
BLAS/OpenMP threads are pinned to 1 before numpy is imported.

Agreement: both codes' objectives in float64 (data and l1, l2 taken as their float32 values,
as sfl sees them); relative difference (f_sfl - f_sklearn) / max(|f_sfl|, |f_sklearn|).
Exit status: 0 success; 1 on any failure (sfl-encode error, bad output, non-finite codes,
or a relative objective difference above --fail-above).
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy loads its BLAS

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.decomposition import sparse_encode  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "data", "enet")
PROBLEMS = ("mnist5", "mnist8", "gauss800", "files")
LABELS = {"mnist5": "25x20 (MNIST 5x5)", "mnist8": "64x256 (MNIST 8x8)",
          "gauss800": "800x500 (Gaussian)", "files": "--dict/--input"}
DIFF_COUNT_REL = 1e-4  # "signals that differ": relative objective difference above this


def fail(msg):
    sys.exit(f"compare_sklearn: {msg}")


def load_fixture(name):
    path = os.path.join(FIXTURES, name)
    if not os.path.exists(path):
        fail(f"missing fixture {path} (scripts/make_fixtures.py writes it)")
    return np.load(path)


def tile_rows(X, n):
    reps = -(-n // X.shape[0])
    return np.tile(X, (reps, 1))[:n]


def unit_norm(M, axis):
    M = np.asarray(M, dtype=np.float64)
    return M / np.linalg.norm(M, axis=axis, keepdims=True)


def load_user(path, what):
    try:
        A = np.load(path)
    except (OSError, ValueError) as e:
        fail(f"{what} {path}: {e}")
    if A.ndim != 2 or not np.issubdtype(A.dtype, np.floating) or not np.all(np.isfinite(A)):
        fail(f"{what} {path}: need a finite 2-D float array, got {A.dtype} {A.shape}")
    return A


def make_problem(name, n, args=None):
    """(P m x K, X n x m, note) as float32 C order."""
    if name == "files":
        P = load_user(args.dict, "--dict")
        X0 = load_user(args.input, "--input")
        X = tile_rows(X0, n)
        note = (f"{X0.shape[0]} rows of {args.input} tiled to {n}" if n > X0.shape[0]
                else f"first {n} of {X0.shape[0]} rows of {args.input}")
    elif name in ("mnist5", "mnist8"):
        P = load_fixture(f"{name}_P.npy")
        X0 = load_fixture(f"{name}_X.npy")
        X = tile_rows(X0, n)
        note = (f"{X0.shape[0]} distinct fixture signals tiled to {n}" if n > X0.shape[0]
                else f"first {n} of {X0.shape[0]} fixture signals")
    else:
        rng = np.random.default_rng(800500)
        P = unit_norm(rng.standard_normal((800, 500)), axis=0)
        X = unit_norm(rng.standard_normal((n, 800)), axis=1)
        note = f"{n} distinct signals, seed 800500"
    P = np.ascontiguousarray(P, dtype=np.float32)
    X = np.ascontiguousarray(X, dtype=np.float32)
    if P.shape[0] != X.shape[1]:
        fail(f"{name}: P is {P.shape}, X is {X.shape}")
    return P, X, note


def objectives(P, X, A, l1, l2):
    """Per-signal 1/2||x - P a||^2 + l1||a||_1 + l2/2||a||^2 in float64."""
    P, X, A = (np.asarray(v, dtype=np.float64) for v in (P, X, A))
    R = X - A @ P.T
    return 0.5 * np.einsum("ij,ij->i", R, R) + l1 * np.abs(A).sum(axis=1) \
        + 0.5 * l2 * np.einsum("ij,ij->i", A, A)


def run_sklearn(P, X, l1, l2, dtype):
    """(codes n x K float64, seconds of the encode, warning messages)."""
    D = np.ascontiguousarray(P.T, dtype=dtype)
    Xs = np.ascontiguousarray(X, dtype=dtype)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t0 = time.perf_counter()
        if l2 > 0:
            K = D.shape[0]
            D = np.hstack([D, np.sqrt(dtype(l2)) * np.eye(K, dtype=dtype)])
            Xs = np.hstack([Xs, np.zeros((Xs.shape[0], K), dtype=dtype)])
        A = sparse_encode(Xs, D, algorithm="lasso_lars", alpha=l1, n_jobs=1)
        seconds = time.perf_counter() - t0
    msgs = sorted({f"{w.category.__name__}: {str(w.message).splitlines()[0]}" for w in caught})
    return np.asarray(A, dtype=np.float64), seconds, msgs


def run_sfl(encode, p_path, x_path, a_path, solver, args, n, K):
    """(codes n x K, reported signals/s, wall signals/s, summary dict)."""
    if os.path.exists(a_path):
        os.remove(a_path)
    cmd = [encode, "--dict", p_path, "--input", x_path, "--output", a_path, "--l1", args.l1_text,
           "--l2", args.l2_text, "--solver", solver, "--threads", "1", "--json", "-"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        fail(f"sfl-encode --solver {solver} exited with {proc.returncode}: {proc.stderr.strip()}")
    try:
        summary = json.loads(proc.stdout)
    except json.JSONDecodeError:
        fail(f"sfl-encode --solver {solver}: no JSON summary on stdout: {proc.stdout[:200]!r}")
    if summary.get("errors", 0) != 0 or summary.get("signals") != n:
        fail(f"sfl-encode --solver {solver}: summary reports a problem: {summary}")
    A = np.load(a_path)
    if A.shape != (n, K) or A.dtype != np.float32:
        fail(f"sfl-encode --solver {solver}: output {a_path} is {A.dtype} {A.shape}, expected float32 {(n, K)}")
    if not np.all(np.isfinite(A)):
        fail(f"sfl-encode --solver {solver}: non-finite codes in {a_path}")
    return A, float(summary["signals_per_second"]), n / wall, summary


def agreement(f_sfl, f_sk):
    if not (np.all(np.isfinite(f_sfl)) and np.all(np.isfinite(f_sk))):
        fail("non-finite objective values")
    denom = np.maximum(np.abs(f_sfl), np.abs(f_sk))
    diff = f_sfl - f_sk
    rel = np.divide(diff, denom, out=np.zeros_like(diff), where=denom > 0)  # both 0 (blank signal): equal
    a = np.abs(rel)
    return {"max": float(a.max()), "median": float(np.median(a)),
            "over": int(np.count_nonzero(a > DIFF_COUNT_REL)),
            "signed_min": float(rel.min()), "signed_max": float(rel.max())}


def fmt_rate(r):
    return f"{r:.4g}"


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--encode", required=True, help="path of the sfl-encode executable")
    ap.add_argument("--out", help="directory for the .npy problems and codes (default: a temporary one)")
    ap.add_argument("--signals", type=int, default=2000, help="signals per problem (default 2000)")
    ap.add_argument("--l1", default="0.1", help="L1 weight (default 0.1)")
    ap.add_argument("--l2", default="0.01", help="L2 weight (default 0.01)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per solver; the median is shown")
    ap.add_argument("--problems", default="mnist5,mnist8,gauss800", help="comma list of " + ", ".join(PROBLEMS))
    ap.add_argument("--dict", help="problem 'files': the dictionary P, m x K .npy")
    ap.add_argument("--input", help="problem 'files': the signals X, N x m .npy")
    ap.add_argument("--label", help="problem 'files': its name in the tables")
    ap.add_argument("--solvers", default="lars,cd", help="sfl solvers, comma list of lars, cd")
    ap.add_argument("--sklearn-dtype", choices=("float64", "float32"), default="float64",
                    help="precision scikit-learn computes in (default float64, its usual one)")
    ap.add_argument("--fail-above", type=float, default=1e-3,
                    help="exit 1 if any relative objective difference exceeds this (default 1e-3)")
    args = ap.parse_args()
    try:
        l1, l2 = float(args.l1), float(args.l2)
    except ValueError:
        fail(f"--l1/--l2 must be numbers, got {args.l1!r}, {args.l2!r}")
    if not (l1 >= 0 and l2 >= 0 and np.isfinite(l1) and np.isfinite(l2)):
        fail("--l1 and --l2 must be finite and >= 0")
    if args.signals < 1 or args.repeat < 1:
        fail("--signals and --repeat must be >= 1")
    args.l1_text, args.l2_text = args.l1, args.l2
    # sfl works with the float32 values of l1, l2: use the same ones on both sides.
    args.l1, args.l2 = float(np.float32(l1)), float(np.float32(l2))
    args.problems = [p for p in args.problems.split(",") if p]
    args.solvers = [s for s in args.solvers.split(",") if s]
    if not args.problems or any(p not in PROBLEMS for p in args.problems):
        fail(f"--problems: choose among {', '.join(PROBLEMS)}")
    if ("files" in args.problems) != bool(args.dict and args.input):
        fail("--dict and --input go together with --problems files")
    if args.label:
        LABELS["files"] = args.label
    if "lars" not in args.solvers or any(s not in ("lars", "cd") for s in args.solvers):
        fail("--solvers: a comma list of lars and cd that includes lars")
    if not (os.path.isfile(args.encode) and os.access(args.encode, os.X_OK)):
        fail(f"{args.encode} is not an executable file (build sfl-encode first)")
    args.encode = os.path.abspath(args.encode)
    return args


def compare(name, args, out):
    P, X, note = make_problem(name, args.signals, args)
    n, (m, K) = X.shape[0], P.shape
    p_path, x_path = (os.path.join(out, f"{name}_{w}.npy") for w in ("P", "X"))
    np.save(p_path, P)
    np.save(x_path, X)
    print(f"{LABELS[name]}: {n} signals ({note}); m = {m}, K = {K}")

    dtype = np.float64 if args.sklearn_dtype == "float64" else np.float32
    sk_times, A_sk, msgs = [], None, []
    for _ in range(args.repeat):
        A_sk, seconds, msgs = run_sklearn(P, X, args.l1, args.l2, dtype)
        sk_times.append(seconds)
    if A_sk.shape != (n, K) or not np.all(np.isfinite(A_sk)):
        fail(f"{name}: scikit-learn returned {A_sk.shape} codes or non-finite values")
    np.save(os.path.join(out, f"{name}_A_sklearn.npy"), A_sk)
    sk_rate = n / float(np.median(sk_times))
    f_sk = objectives(P, X, A_sk, args.l1, args.l2)
    print(f"  scikit-learn lasso_lars ({args.sklearn_dtype}): {fmt_rate(sk_rate)} signals/s, "
          f"mean support {np.count_nonzero(A_sk, axis=1).mean():.2f}, mean objective {f_sk.mean():.8g}")
    for msg in msgs:
        print(f"    warning: {msg}")

    rows = {}
    for solver in args.solvers:
        reported, walled = [], []
        for _ in range(args.repeat):
            A, rep, wall, summary = run_sfl(args.encode, p_path, x_path,
                                            os.path.join(out, f"{name}_A_{solver}.npy"), solver, args, n, K)
            reported.append(rep)
            walled.append(wall)
        agree = agreement(objectives(P, X, A, args.l1, args.l2), f_sk)
        rows[solver] = (float(np.median(reported)), float(np.median(walled)), agree)
        print(f"  sfl {solver}: {fmt_rate(rows[solver][0])} signals/s reported (encode only), "
              f"{fmt_rate(rows[solver][1])} signals/s process wall; mean support "
              f"{summary['mean_support']:.2f}, max KKT {summary['max_kkt']:.3g}, "
              f"not converged {summary['not_converged']}; objective vs scikit-learn: relative "
              f"difference in [{agree['signed_min']:.3g}, {agree['signed_max']:.3g}] (> 0: sfl higher)")
    return {"label": LABELS[name], "n": n, "sk_rate": sk_rate, "rows": rows}


def print_tables(results, args):
    print(f"\nl1 = {args.l1_text}, l2 = {args.l2_text}, one thread; sfl signals/s as reported by "
          f"sfl-encode (encode only); medians of {args.repeat} run(s)\n")
    print("| problem | signals | sklearn signals/s | sfl lars signals/s | ratio sfl/sklearn | objective agreement |")
    print("|---|---|---|---|---|---|")
    for r in results:
        rate, _, a = r["rows"]["lars"]
        print(f"| {r['label']} | {r['n']} | {fmt_rate(r['sk_rate'])} | {fmt_rate(rate)} | "
              f"{rate / r['sk_rate']:.3g}x | max {a['max']:.2g}, median {a['median']:.2g}, "
              f"{a['over']} > {DIFF_COUNT_REL:g} |")
    print("\n| problem | sfl solver | signals/s reported | signals/s process wall | ratio (reported) / sklearn "
          "| ratio (wall) / sklearn | max rel. objective diff | median | signals > 1e-4 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        for solver, (rate, wall, a) in r["rows"].items():
            print(f"| {r['label']} | {solver} | {fmt_rate(rate)} | {fmt_rate(wall)} | "
                  f"{rate / r['sk_rate']:.3g}x | {wall / r['sk_rate']:.3g}x | {a['max']:.2g} | "
                  f"{a['median']:.2g} | {a['over']} |")


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="sfl-compare-") as tmp:
        out = args.out or tmp
        os.makedirs(out, exist_ok=True)
        results = [compare(name, args, out) for name in args.problems]
    print_tables(results, args)
    worst = max(a["max"] for r in results for (_, _, a) in r["rows"].values())
    if worst > args.fail_above:
        fail(f"objectives of sfl and scikit-learn differ by up to {worst:.3g} relative "
             f"(> --fail-above {args.fail_above:g})")


if __name__ == "__main__":
    main()
