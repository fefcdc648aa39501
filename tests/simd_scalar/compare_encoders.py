#!/usr/bin/env python3
"""SIMD and scalar builds give the same answers: run two sfl-encode binaries
(e.g. the default SIMD build and an SFL_SIMD=OFF build) on the same seeded
problems with both solvers, and compare the codes through their objectives,
computed here in float64 straight from the definition.

usage: compare_encoders.py ENCODE_A ENCODE_B [WORKDIR]
Exit 0 when every signal's objectives agree within 1e-5 relative and the codes
within 1e-3 of max|A|; prints one line per problem.
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:  # ctest counts 77 as skipped
    print("numpy not available")
    sys.exit(77)

PROBLEMS = [  # (m, K, n, l1, l2)
    (25, 20, 300, 0.1, 0.01),
    (64, 256, 80, 0.1, 0.01),
    (200, 100, 60, 0.05, 0.0),
]


def objective(P, X, A, l1, l2):
    R = X.astype(np.float64) - A.astype(np.float64) @ P.T.astype(np.float64)
    A64 = A.astype(np.float64)
    return 0.5 * (R * R).sum(1) + l1 * np.abs(A64).sum(1) + 0.5 * l2 * (A64 * A64).sum(1)


def run(exe, P_path, X_path, out, l1, l2, solver):
    cmd = exe + ["--dict", P_path, "--input", X_path, "--output", out, "--l1", str(l1),
                 "--l2", str(l2), "--solver", solver, "--threads", "1", "--json", "-"]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {res.returncode}: {res.stderr.strip()}")
    return np.load(out), json.loads(res.stdout)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    exe_a = [s for s in sys.argv[1].split(";") if s]  # may carry an emulator prefix
    exe_b = [s for s in sys.argv[2].split(";") if s]
    work = sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp()
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(20261128)
    failures = 0
    for (m, K, n, l1, l2) in PROBLEMS:
        P = rng.standard_normal((m, K))
        P /= np.linalg.norm(P, axis=0)
        X = rng.standard_normal((n, m))
        X /= np.linalg.norm(X, axis=1, keepdims=True)
        P_path, X_path = os.path.join(work, f"P{m}x{K}.npy"), os.path.join(work, f"X{m}x{K}.npy")
        np.save(P_path, P.astype(np.float32))
        np.save(X_path, X.astype(np.float32))
        for solver in ("lars", "cd"):
            A1, info_a = run(exe_a, P_path, X_path, os.path.join(work, "A1.npy"), l1, l2, solver)
            A2, info_b = run(exe_b, P_path, X_path, os.path.join(work, "A2.npy"), l1, l2, solver)
            Pf, Xf = P.astype(np.float32), X.astype(np.float32)
            o1, o2 = objective(Pf, Xf, A1, l1, l2), objective(Pf, Xf, A2, l1, l2)
            rel = float(np.max(np.abs(o1 - o2) / np.maximum(o1, 1e-12)))
            code = float(np.max(np.abs(A1 - A2)) / max(float(np.max(np.abs(A1))), 1e-12))
            ok = rel <= 1e-5 and code <= 1e-3
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {m}x{K} l1={l1} l2={l2} {solver}: max rel objective diff {rel:.2e}, "
                  f"max code diff / max|A| {code:.2e} ({info_a.get('signals_per_second', 0):.0f} vs "
                  f"{info_b.get('signals_per_second', 0):.0f} signals/s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
