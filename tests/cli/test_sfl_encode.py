#!/usr/bin/python3
"""Command-line tests of sfl-encode.

  test_sfl_encode.py --case NAME -- COMMAND...   run one case; COMMAND is the program
                                                 (with its emulator prefix when cross-compiled)
  test_sfl_encode.py --list                      print the case names
  test_sfl_encode.py --check-list NAME...        fail unless NAME... are exactly the cases

Bad-input cases check: exit status 1, exactly one stderr line
"sfl-encode: error: ..." naming the problem, nothing on stdout, and no output
file (nor a leftover temporary file). Good cases check the output shape and
dtype, the JSON summary, and the mathematics of the codes (KKT conditions,
LARS vs CD, thread-count independence). Exit status 77 (skipped) without numpy.
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:  # pragma: no cover
    print("numpy is not available: skipping")
    sys.exit(77)

SKIP = 77
L1, L2 = 0.1, 0.01


class Failure(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise Failure(what)


def dictionary(m, K, seed=1):
    rng = np.random.default_rng(seed)
    P = rng.standard_normal((m, K))
    return (P / np.linalg.norm(P, axis=0)).astype(np.float32)


def signals(n, m, seed=2):
    return np.random.default_rng(seed).standard_normal((n, m)).astype(np.float32)


class Run:
    """A scratch directory with P.npy and X.npy and a way to run the program in it."""

    def __init__(self, cmd, tmp):
        self.cmd = cmd
        self.dir = tmp
        self.P = os.path.join(tmp, "P.npy")
        self.X = os.path.join(tmp, "X.npy")
        self.A = os.path.join(tmp, "A.npy")

    def write_inputs(self, P=None, X=None):
        np.save(self.P, dictionary(6, 9) if P is None else P)
        np.save(self.X, signals(5, 6) if X is None else X)

    def args(self, **over):
        """The standard valid argument list; over={'l1': '-1'} replaces, {'l1': None} drops."""
        opts = {"dict": self.P, "input": self.X, "output": self.A, "l1": str(L1), "l2": str(L2), "solver": "lars"}
        opts.update(over)
        out = []
        for k, v in opts.items():
            if v is not None:
                out += ["--" + k.replace("_", "-"), v]
        return out

    def run(self, args):
        p = subprocess.run(self.cmd + args, capture_output=True, text=True, timeout=120)
        return p.returncode, p.stdout, p.stderr

    def expect_error(self, args, *words):
        rc, out, err = self.run(args)
        lines = err.splitlines()
        expect(rc == 1, "exit status %d, expected 1 (stderr: %r)" % (rc, err))
        expect(len(lines) == 1, "expected one stderr line, got %r" % err)
        expect(lines[0].startswith("sfl-encode: error: "), "bad error prefix: %r" % lines[0])
        for w in words:
            expect(w.lower() in lines[0].lower(), "error %r does not mention %r" % (lines[0], w))
        expect(out == "", "unexpected stdout: %r" % out)
        expect(not os.path.exists(self.A), "output file written despite the error")
        stray = [f for f in os.listdir(self.dir) if ".tmp." in f]
        expect(not stray, "temporary files left behind: %r" % stray)
        return lines[0]


# ---- bad input: one case each --------------------------------------------------------

def case_missing_file(r):
    r.write_inputs()
    gone = os.path.join(r.dir, "nope.npy")
    r.expect_error(r.args(dict=gone), "--dict", gone, "cannot open")


def case_not_npy(r):
    r.write_inputs()
    with open(r.X, "w") as f:
        f.write("1 2 3\n")
    r.expect_error(r.args(), "--input", r.X, "not a .npy")


def case_wrong_dtype(r):
    r.write_inputs(P=np.ones((6, 9), dtype=np.int32))
    r.expect_error(r.args(), "--dict", "dtype", "<i4")


def case_fortran_order(r):
    r.write_inputs(X=np.asfortranarray(signals(5, 6)))
    r.expect_error(r.args(), "--input", "Fortran")


def case_shape_mismatch(r):
    r.write_inputs(P=dictionary(6, 9), X=signals(5, 7))
    r.expect_error(r.args(), "shape mismatch", "(5, 7)", "(6, 9)")


def case_not_2d(r):
    r.write_inputs(P=dictionary(6, 9)[:, 0].copy())
    r.expect_error(r.args(), "--dict", "2-D", "(6,)")


def case_input_3d(r):
    r.write_inputs(X=signals(4, 6).reshape(2, 2, 6))
    r.expect_error(r.args(), "--input", "2-D", "(2, 2, 6)")


def case_truncated(r):
    r.write_inputs()
    with open(r.X, "rb+") as f:
        f.truncate(os.path.getsize(r.X) - 3)
    r.expect_error(r.args(), "--input", "truncated")


def case_nan_dict(r):
    P = dictionary(6, 9)
    P[2, 4] = np.nan
    r.write_inputs(P=P)
    r.expect_error(r.args(), "--dict", "NaN", "row 2", "column 4")


def case_inf_input(r):
    X = signals(5, 6)
    X[3, 1] = -np.inf
    r.write_inputs(X=X)
    r.expect_error(r.args(), "--input", "Inf", "row 3", "column 1")


def case_negative_l1(r):
    r.write_inputs()
    r.expect_error(r.args(l1="-0.5"), "--l1", ">= 0")


def case_negative_l2(r):
    r.write_inputs()
    r.expect_error(r.args(l2="-1e-3"), "--l2", ">= 0")


def case_bad_number(r):
    r.write_inputs()
    r.expect_error(r.args(l1="0.1x"), "--l1", "0.1x")


def case_unknown_solver(r):
    r.write_inputs()
    r.expect_error(r.args(solver="fista"), "solver", "fista")


def case_unknown_flag(r):
    r.write_inputs()
    r.expect_error(r.args() + ["--lambda", "3"], "unknown option", "--lambda")


def case_missing_flag(r):
    r.write_inputs()
    r.expect_error(r.args(l1=None), "missing", "--l1")


def case_missing_value(r):
    r.write_inputs()
    r.expect_error(r.args(solver=None) + ["--solver"], "--solver", "value")


def case_zero_atom(r):
    P = dictionary(6, 9)
    P[:, 5] = 0.0
    r.write_inputs(P=P)
    r.expect_error(r.args(), "--dict", "column 5", "zero norm")


def case_empty_input(r):
    r.write_inputs(X=np.zeros((0, 6), dtype=np.float32))
    r.expect_error(r.args(), "--input", "no signals")


def case_output_dir_missing(r):
    r.write_inputs()
    out = os.path.join(r.dir, "no_such_dir", "A.npy")
    r.expect_error(r.args(output=out), "--output", "directory")
    expect(not os.path.exists(os.path.dirname(out)), "the missing directory was created")


def case_keeps_existing_output(r):
    # A failing run must not touch an existing output file.
    r.write_inputs()
    with open(r.A, "wb") as f:
        f.write(b"previous result")
    rc, _, err = r.run(r.args(l1="-1"))
    expect(rc == 1 and err.startswith("sfl-encode: error: "), "bad run did not fail: %d %r" % (rc, err))
    with open(r.A, "rb") as f:
        expect(f.read() == b"previous result", "existing output modified by a failed run")


# ---- good runs ------------------------------------------------------------------------

def kkt_violation(P, X, A, l1, l2):
    """max_j of the elastic-net optimality violation per row, in double (DESIGN.md section 2)."""
    P, X, A = (np.asarray(v, dtype=np.float64) for v in (P, X, A))
    G = P.T @ P + l2 * np.eye(P.shape[1])
    R = X @ P - A @ G  # r = c - G a, one row per signal
    on = A != 0
    viol = np.where(on, np.abs(R - l1 * np.sign(A)), np.maximum(0.0, np.abs(R) - l1))
    return viol.max(axis=1)


def objective(P, X, A, l1, l2):
    P, X, A = (np.asarray(v, dtype=np.float64) for v in (P, X, A))
    res = X - A @ P.T
    return 0.5 * (res * res).sum(1) + l1 * np.abs(A).sum(1) + 0.5 * l2 * (A * A).sum(1)


def load_codes(r, n, K):
    expect(os.path.exists(r.A), "no output file")
    A = np.load(r.A)
    expect(A.shape == (n, K), "output shape %r, expected %r" % (A.shape, (n, K)))
    expect(A.dtype == np.float32, "output dtype %s" % A.dtype)
    expect(A.flags["C_CONTIGUOUS"] and not np.isfortran(A), "output not C order")
    expect(np.isfinite(A).all(), "non-finite codes")
    return A


def expect_optimal(P, X, A, tol):
    worst = kkt_violation(P, X, A, L1, L2).max()
    expect(worst < tol, "KKT violated by %g" % worst)
    expect((A != 0).any(), "all codes zero: l1 too large for the test data?")


def case_good_lars(r):
    n, m, K = 40, 8, 12
    P, X = dictionary(m, K), signals(n, m)
    r.write_inputs(P=P, X=X)
    rc, out, err = r.run(r.args(threads="2"))
    expect(rc == 0, "exit status %d: %r" % (rc, err))
    for word in ("signals/s", "mean objective", "mean support", "KKT", "not converged"):
        expect(word in out, "summary lacks %r: %r" % (word, out))
    expect_optimal(P, X, load_codes(r, n, K), 1e-4)


def case_good_json(r):
    n, m, K = 30, 7, 10
    P, X = dictionary(m, K), signals(n, m)
    r.write_inputs(P=P, X=X)
    rc, out, err = r.run(r.args(solver="cd", tol="1e-7") + ["--json", "--threads", "3"])
    expect(rc == 0, "exit status %d: %r" % (rc, err))
    lines = out.strip().splitlines()
    expect(len(lines) == 1, "--json printed %d lines" % len(lines))
    summary = json.loads(lines[0])
    keys = {"signals", "m", "K", "solver", "l1", "l2", "threads", "seconds", "signals_per_second",
            "mean_objective", "mean_support", "max_kkt", "not_converged", "errors"}
    expect(keys <= set(summary), "missing keys %r" % sorted(keys - set(summary)))
    expect((summary["signals"], summary["m"], summary["K"]) == (n, m, K), "wrong sizes %r" % summary)
    expect(summary["solver"] == "cd", "solver %r" % summary["solver"])
    expect(abs(summary["l1"] - L1) < 1e-7 and abs(summary["l2"] - L2) < 1e-7, "l1/l2 %r" % summary)
    expect(summary["threads"] == 3 and summary["errors"] == 0 and summary["not_converged"] == 0,
           "threads/errors/not_converged %r" % summary)
    A = load_codes(r, n, K)
    obj = objective(P, X, A, L1, L2)
    expect(abs(summary["mean_objective"] - obj.mean()) <= 1e-4 * max(1.0, obj.mean()),
           "mean_objective %g, recomputed %g" % (summary["mean_objective"], obj.mean()))
    support = (A != 0).sum(1).mean()
    expect(abs(summary["mean_support"] - support) < 1e-6, "mean_support %g vs %g" % (summary["mean_support"], support))
    kkt = kkt_violation(P, X, A, L1, L2).max()
    expect(summary["max_kkt"] >= 0 and kkt < 1e-3, "KKT %g (reported %g)" % (kkt, summary["max_kkt"]))


def case_solvers_agree(r):
    n, m, K = 25, 10, 16
    P, X = dictionary(m, K, seed=5), signals(n, m, seed=6)
    r.write_inputs(P=P, X=X)
    codes = {}
    for solver in ("lars", "cd"):
        rc, _, err = r.run(r.args(solver=solver, tol="1e-8"))
        expect(rc == 0, "%s: exit status %d: %r" % (solver, rc, err))
        codes[solver] = load_codes(r, n, K)
        expect_optimal(P, X, codes[solver], 1e-3)
    o_lars = objective(P, X, codes["lars"], L1, L2)
    o_cd = objective(P, X, codes["cd"], L1, L2)
    expect(np.all(np.abs(o_lars - o_cd) <= 1e-4 * np.maximum(1.0, o_lars)), "objectives differ")
    diff = np.abs(codes["lars"] - codes["cd"]).max()
    expect(diff < 1e-3, "codes differ by %g" % diff)


def case_threads_agree(r):
    # More rows than one GEMM block (64) so the row split crosses block boundaries.
    n, m, K = 150, 12, 20
    P, X = dictionary(m, K, seed=3), signals(n, m, seed=4)
    r.write_inputs(P=P, X=X)
    codes = []
    for t in ("1", "3"):
        rc, _, err = r.run(r.args(threads=t))
        expect(rc == 0, "threads %s: exit status %d: %r" % (t, rc, err))
        codes.append(load_codes(r, n, K))
        expect_optimal(P, X, codes[-1], 1e-4)
    diff = np.abs(codes[0] - codes[1]).max()
    expect(diff <= 1e-5, "1 thread vs 3 threads differ by %g" % diff)


def case_help(r):
    rc, out, err = r.run(["--help"])
    expect(rc == 0, "--help exit status %d" % rc)
    expect(out.startswith("usage: sfl-encode"), "--help output: %r" % out[:80])
    for flag in ("--dict", "--input", "--output", "--l1", "--l2", "--solver", "--tol", "--max-iter", "--threads",
                 "--json"):
        expect(flag in out, "--help does not mention %s" % flag)
    expect(err == "", "--help wrote to stderr: %r" % err)


CASES = {name[len("case_"):]: fn for name, fn in sorted(globals().items()) if name.startswith("case_")}


def main(argv):
    if argv[:1] == ["--list"]:
        print("\n".join(CASES))
        return 0
    if argv[:1] == ["--check-list"]:
        given, known = set(argv[1:]), set(CASES)
        if given != known:
            print("case list mismatch: not registered in CMake: %s; unknown to the script: %s"
                  % (sorted(known - given), sorted(given - known)))
            return 1
        return 0
    if len(argv) < 4 or argv[0] != "--case" or argv[2] != "--":
        print(__doc__)
        return 2
    name, cmd = argv[1], argv[3:]
    if name not in CASES:
        print("unknown case %r; cases: %s" % (name, ", ".join(CASES)))
        return 2
    with tempfile.TemporaryDirectory(prefix="sfl_cli_") as tmp:
        try:
            CASES[name](Run(cmd, tmp))
        except Failure as e:
            print("FAIL cli.encode.%s: %s" % (name, e))
            return 1
    print("ok cli.encode.%s" % name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
