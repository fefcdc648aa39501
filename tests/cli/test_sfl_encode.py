#!/usr/bin/python3
"""Command-line tests of sfl-encode.

  test_sfl_encode.py --case NAME [--make-model HELPER] -- COMMAND...
                                                 run one case; COMMAND is the program
                                                 (with its emulator prefix when cross-compiled);
                                                 HELPER is make_test_model (the model_* cases
                                                 need it; it runs under COMMAND's prefix)
  test_sfl_encode.py --list                      print the case names
  test_sfl_encode.py --check-list NAME...        fail unless NAME... are exactly the cases

Bad-input cases check: exit status 1 for a bad file, 2 for a bad command line
(README.md, "Command-line conventions"), exactly one stderr line
"sfl-encode: error: ..." naming the problem, nothing on stdout, and no output
file (nor a leftover temporary file). Good cases check the output shape and
dtype, the JSON summary (--json - on stdout, --json FILE in a file), the mathematics
of the codes (KKT conditions, LARS vs CD, thread-count independence), and exit
status 3 with the codes written when some signals fail. The model_* cases (--model) check the
features against a direct sfl_model_forward (make_test_model forward), against
NumPy (max pooling) and against the elastic-net optimality of every CSF patch code,
and that they are the same bit for bit for any thread count and input format.
Exit status 77 (skipped) without numpy.
"""
import json
import os
import re
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cli_cases import (Scratch, cases_main, drawn_segments, expect, registry, run,  # noqa: E402 (tests/cli_cases.py)
                       terminal_lines)

try:
    import numpy as np
except ImportError:  # pragma: no cover
    print("numpy is not available: skipping")
    sys.exit(77)

SKIP = 77
ERROR, USAGE, PARTIAL = 1, 2, 3  # exit statuses (apps/common/cli_main.hpp)
L1, L2 = 0.1, 0.01


def dictionary(m, K, seed=1):
    rng = np.random.default_rng(seed)
    P = rng.standard_normal((m, K))
    return (P / np.linalg.norm(P, axis=0)).astype(np.float32)


def signals(n, m, seed=2):
    return np.random.default_rng(seed).standard_normal((n, m)).astype(np.float32)


class Run(Scratch):
    """A scratch directory with P.npy and X.npy and a way to run the program in it."""

    timeout = 120

    def __init__(self, cmd, helper, tmp):
        super().__init__(cmd, tmp)
        # make_test_model runs under the same emulator prefix as the program.
        self.helper = cmd[:-1] + [helper] if helper else None
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

    def expect_error(self, args, *words, rc_want=ERROR):
        rc, out, err = self.run(args)
        lines = err.splitlines()
        expect(rc == rc_want, "exit status %d, expected %d (stderr: %r)" % (rc, rc_want, err))
        expect(len(lines) == 1, "expected one stderr line, got %r" % err)
        expect(lines[0].startswith("sfl-encode: error: "), "bad error prefix: %r" % lines[0])
        for w in words:
            expect(w.lower() in lines[0].lower(), "error %r does not mention %r" % (lines[0], w))
        expect(out == "", "unexpected stdout: %r" % out)
        expect(not os.path.exists(self.A), "output file written despite the error")
        stray = [f for f in os.listdir(self.dir) if ".tmp." in f]
        expect(not stray, "temporary files left behind: %r" % stray)
        return lines[0]

    def expect_usage_error(self, args, *words):
        return self.expect_error(args, *words, rc_want=USAGE)


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
    r.expect_usage_error(r.args(l1="-0.5"), "--l1", ">= 0")


def case_negative_l2(r):
    r.write_inputs()
    r.expect_usage_error(r.args(l2="-1e-3"), "--l2", ">= 0")


def case_bad_number(r):
    r.write_inputs()
    r.expect_usage_error(r.args(l1="0.1x"), "--l1", "0.1x")


def case_unknown_solver(r):
    r.write_inputs()
    r.expect_usage_error(r.args(solver="fista"), "solver", "fista")


def case_unknown_flag(r):
    r.write_inputs()
    r.expect_usage_error(r.args() + ["--lambda", "3"], "unknown option", "--lambda")


def case_missing_flag(r):
    r.write_inputs()
    r.expect_usage_error(r.args(l1=None), "missing", "--l1")


def case_missing_value(r):
    r.write_inputs()
    r.expect_usage_error(r.args(solver=None) + ["--solver"], "--solver", "value")


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
    expect(rc == USAGE and err.startswith("sfl-encode: error: "), "bad run did not fail: %d %r" % (rc, err))
    with open(r.A, "rb") as f:
        expect(f.read() == b"previous result", "existing output modified by a failed run")


# ---- good runs ------------------------------------------------------------------------

def kkt_violation(P, X, A, l1, l2, positive=False):
    """max_j of the elastic-net optimality violation per row, in double (docs/design.md section 2);
    positive: the one-sided condition of non-negative codes off the support, inf where a_j < 0."""
    P, X, A = (np.asarray(v, dtype=np.float64) for v in (P, X, A))
    G = P.T @ P + l2 * np.eye(P.shape[1])
    R = X @ P - A @ G  # r = c - G a, one row per signal
    on = A != 0
    off = R if positive else np.abs(R)
    viol = np.where(on, np.abs(R - l1 * np.sign(A)), np.maximum(0.0, off - l1))
    if positive:
        viol = np.where(A < 0, np.inf, viol)
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
    rc, out, err = r.run(r.args(solver="cd", tol="1e-7") + ["--json", "-", "--threads", "3"])
    expect(rc == 0, "exit status %d: %r" % (rc, err))
    lines = out.strip().splitlines()
    expect(len(lines) == 1, "--json - printed %d lines" % len(lines))
    summary = json.loads(lines[0])
    keys = {"signals", "m", "K", "solver", "l1", "l2", "positive", "threads", "seconds", "signals_per_second",
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
    # --json FILE: the same object in the file, the summary for people on stdout.
    js = r.path("summary.json")
    rc, out, err = r.run(r.args(solver="cd", tol="1e-7") + ["--json", js, "--threads", "3"])
    expect(rc == 0, "--json FILE: exit status %d: %r" % (rc, err))
    expect("mean objective" in out and "{" not in out, "--json FILE: stdout %r" % out)
    with open(js) as f:
        text = f.read()
    expect(text.endswith("}\n") and text.count("\n") == 1, "--json FILE: not one line: %r" % text)
    in_file = json.loads(text)
    for k in keys - {"seconds", "signals_per_second"}:
        expect(in_file[k] == summary[k], "--json FILE: %s %r, --json - gave %r" % (k, in_file[k], summary[k]))
    # The old spelling, --json without a file, is a usage error, not a file named "--threads".
    os.remove(r.A)
    r.expect_usage_error(r.args() + ["--json", "--threads", "3"], "--json", "needs a value")
    r.expect_usage_error(r.args() + ["--json"], "--json", "needs a value")
    expect(not os.path.exists(r.path("--threads")), "--json took the next option as its file")


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


def case_positive(r):
    """--positive: non-negative codes, optimal under the one-sided KKT, LARS and CD agree,
    the JSON says so; the signed codes of the same data have negative entries."""
    n, m, K = 40, 10, 16
    P, X = dictionary(m, K, seed=8), signals(n, m, seed=9)
    r.write_inputs(P=P, X=X)
    rc, _, err = r.run(r.args())
    expect(rc == 0, "signed: exit status %d: %r" % (rc, err))
    expect((load_codes(r, n, K) < 0).any(), "the signed codes have no negative entry: a weak test")
    codes = {}
    for solver in ("lars", "cd"):
        rc, out, err = r.run(r.args(solver=solver, tol="1e-8") + ["--positive", "--json", "-"])
        expect(rc == 0, "%s --positive: exit status %d: %r" % (solver, rc, err))
        summary = json.loads(out)
        expect(summary["positive"] is True, "JSON positive %r" % summary.get("positive"))
        A = codes[solver] = load_codes(r, n, K)
        expect((A >= 0).all() and (A > 0).any(), "%s: negative or all-zero codes" % solver)
        worst = kkt_violation(P, X, A, L1, L2, positive=True).max()
        expect(worst < 1e-3, "%s: one-sided KKT violated by %g" % (solver, worst))
        expect(summary["max_kkt"] <= 1e-3, "%s: reported max_kkt %g" % (solver, summary["max_kkt"]))
    o_lars, o_cd = (objective(P, X, codes[s], L1, L2) for s in ("lars", "cd"))
    expect(np.all(np.abs(o_lars - o_cd) <= 1e-4 * np.maximum(1.0, o_lars)), "objectives differ")
    rc, out, _ = r.run(r.args() + ["--json", "-"])
    expect(json.loads(out)["positive"] is False, "the signed run's JSON says positive")
    os.remove(r.A)  # the usage errors below must not write one
    r.expect_usage_error(r.args() + ["--positive", "--positive"], "--positive", "twice")
    r.expect_usage_error(r.args() + ["--positive=1"], "--positive", "no value")


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


# ---- progress on stderr (README.md, "Command-line conventions") -----------------------

PROGRESS = re.compile(r"^sfl-encode: (encoded|ran) (\d+)/(\d+) (signals|samples) \((\d+)%\) \| elapsed \d+:\d\d, "
                      r"(~\d+:\d\d left|time left unknown)$")


def expect_progress_lines(lines, verb, n, noun):
    """Lines of a non-terminal run: about one per tenth of the rows, rows done increasing to n,
    the percentage theirs."""
    expect(2 <= len(lines) <= 11, "expected 2 to 11 progress lines, got %d: %r" % (len(lines), lines))
    done = []
    for line in lines:
        m = PROGRESS.match(line)
        expect(m and m.group(1) == verb and m.group(4) == noun and int(m.group(3)) == n,
               "not a progress line of %d %s: %r" % (n, noun, line))
        done.append(int(m.group(2)))
        expect(int(m.group(5)) == 100 * done[-1] // n, "%r: wrong percentage" % line)
    expect(done == sorted(set(done)) and done[-1] == n, "rows done %r: not increasing to %d" % (done, n))


def case_progress(r):
    """--progress: on a non-terminal, a line each tenth of the rows; the codes are those of a
    run without progress (which prints nothing on stderr for an input below 10,000 signals by
    default, however long it takes)."""
    n, m, K = 3000, 8, 12
    P, X = dictionary(m, K, seed=5), signals(n, m, seed=6)
    r.write_inputs(P=P, X=X)
    rc, out_quiet, err = r.run(r.args(threads="1"))
    expect(rc == 0 and err == "", "default on a small input: exit %d, stderr %r" % (rc, err))
    A = load_codes(r, n, K)
    for threads in ("1", "3"):
        rc, out, err = r.run(r.args(threads=threads) + ["--progress"])
        expect(rc == 0, "--progress: exit status %d: %r" % (rc, err))
        expect_progress_lines(err.splitlines(), "encoded", n, "signals")
        expect("signals          3000" in out, "summary missing: %r" % out)
        expect(same_bits(load_codes(r, n, K), A), "--progress --threads %s changed the codes" % threads)
    rc, _, err = r.run(r.args() + ["--no-progress"])
    expect(rc == 0 and err == "", "--no-progress: exit %d, stderr %r" % (rc, err))
    os.remove(r.A)
    r.expect_usage_error(r.args() + ["--progress=1"], "--progress", "no value")
    r.expect_usage_error(r.args() + ["--progress", "--no-progress"], "--progress", "--no-progress")
    r.expect_usage_error(r.args() + ["--no-progress", "--no-progress"], "--no-progress")


def case_progress_terminal(r):
    """--progress on a terminal: one line redrawn in place, never wider than the terminal,
    ended before the program exits; stdout has the summary alone."""
    n, m, K = 2000, 8, 12
    r.write_inputs(P=dictionary(m, K, seed=5), X=signals(n, m, seed=6))
    rc, out, err = r.run_on_terminal(r.args(threads="1") + ["--progress"], columns=50)
    expect(rc == 0, "exit status %d: %r" % (rc, err))
    expect(b"\r" in err and b"\x1b[K" in err, "no redrawing on the terminal: %r" % err)
    expect(err.endswith(b"\n"), "the progress line is not ended: %r" % err[-80:])
    lines = terminal_lines(err)
    expect(len(lines) == 1 and lines[0].startswith("sfl-encode: encoded 2000/2000 signals (100%)"),
           "the terminal shows %r, expected one finished progress line" % lines)
    wide = [seg for seg in drawn_segments(err) if len(seg) > 49]
    expect(not wide, "drawn wider than the 50-column terminal: %r" % wide)
    expect(out.startswith("signals          2000"), "stdout: %r" % out[:200])


def case_help(r):
    rc, out, err = r.run(["--help"])
    expect(rc == 0, "--help exit status %d" % rc)
    expect(out.startswith("usage: sfl-encode"), "--help output: %r" % out[:80])
    for flag in ("--dict", "--input", "--output", "--l1", "--l2", "--solver", "--tol", "--max-iter", "--threads",
                 "--json", "--model", "--layers", "idx", "1/255"):
        expect(flag in out, "--help does not mention %s" % flag)
    expect(err == "", "--help wrote to stderr: %r" % err)


# ---- --model: the features of images from the first layers of a model ---------------
# make_test_model writes untrained networks of the paper (sfl::nn::build_network) as
# model files; "csf" is csf(5x5, 20) pool2 conv(5x5, 50) pool2 linear(500) relu linear(10).

H, W = 28, 28


def images(n, h=H, w=W, seed=7):
    return np.random.default_rng(seed).integers(0, 256, size=(n, h, w), dtype=np.uint8)


def scaled(imgs):
    """The float32 images sfl-encode (and sfl-train) make of idx pixels: p * (1.0f / 255.0f)."""
    return imgs.astype(np.float32) * np.float32(1.0 / 255.0)


def write_idx(path, imgs, magic=0x803):
    n, h, w = imgs.shape
    with open(path, "wb") as f:
        f.write(struct.pack(">IIII", magic, n, h, w) + imgs.astype(np.uint8).tobytes())


def helper(r, *args):
    expect(r.helper is not None, "this case needs --make-model (make_test_model)")
    rc, _, err = run(r.helper + list(args))
    expect(rc == 0, "make_test_model %s failed (%d): %s" % (" ".join(args), rc, err))


def make_model(r, name="M.sflm", *opts):
    path = os.path.join(r.dir, name)
    helper(r, "model", path, *opts)
    return path


def reference(r, model, k, X):
    """One sfl_model_forward call over all samples through the first k layers: (N, out)."""
    xin, yout = os.path.join(r.dir, "ref_in.npy"), os.path.join(r.dir, "ref_out.npy")
    np.save(xin, np.ascontiguousarray(X.reshape(X.shape[0], -1), dtype=np.float32))
    helper(r, "forward", model, str(k), xin, yout)
    Y = np.load(yout)
    os.remove(xin)
    os.remove(yout)
    return Y


def model_args(r, model, inp, *extra):
    return ["--model", model, "--input", inp, "--output", r.A] + list(extra)


def run_ok(r, args, rc_want=0):
    rc, out, err = r.run(args)
    expect(rc == rc_want, "exit status %d, expected %d (stderr: %r)" % (rc, rc_want, err))
    return out, err


def run_json(r, args, rc_want=0):
    out, err = run_ok(r, args + ["--json", "-"], rc_want)
    lines = out.strip().splitlines()
    expect(len(lines) == 1, "--json - printed %d lines: %r" % (len(lines), out))
    return json.loads(lines[0]), err


def load_features(r, shape):
    expect(os.path.exists(r.A), "no output file")
    F = np.load(r.A)
    expect(F.shape == shape, "output shape %r, expected %r" % (F.shape, shape))
    expect(F.dtype == np.float32 and F.flags["C_CONTIGUOUS"], "output dtype %s / not C order" % F.dtype)
    expect(np.isfinite(F).all(), "non-finite features")
    os.remove(r.A)
    return F


def same_bits(a, b):
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def expect_same(F, ref, what):
    """Bitwise: sfl_model_forward gives the same values for a sample alone or in a batch
    (per-row GEMM tiles, per-row solves), and sfl-encode runs it one sample per call."""
    F = F.reshape(F.shape[0], -1)
    expect(F.shape == ref.shape, "%s: shape %r vs reference %r" % (what, F.shape, ref.shape))
    diff = np.abs(F.astype(np.float64) - ref).max()
    expect(same_bits(F, ref.astype(np.float32)), "%s differs from the direct sfl_model_forward by %g" % (what, diff))


def case_model_default_csf(r):
    # The default extractor of the csf network is its first layer, the CSF layer.
    model = make_model(r)
    imgs = images(6)
    idx = os.path.join(r.dir, "images.idx")
    write_idx(idx, imgs)
    out, err = run_ok(r, model_args(r, model, idx, "--threads", "2"))
    expect(err == "", "unexpected stderr: %r" % err)
    for word in ("csf", "28x28x1 -> 24x24x20", "1 of 7", "samples/s", "not converged", "(6, 24, 24, 20)"):
        expect(word in out, "summary lacks %r: %r" % (word, out))
    F = load_features(r, (6, 24, 24, 20))
    expect_same(F, reference(r, model, 1, scaled(imgs)), "CSF features")
    expect((F != 0).any() and (F == 0).any(), "CSF codes are not sparse: l1 = 0.1 should zero some")


def case_model_progress(r):
    """--model --progress: a line each tenth of the samples; the features unchanged (and no
    progress by default below 1,000 images)."""
    model = make_model(r)
    n = 13
    X = os.path.join(r.dir, "X.npy")
    np.save(X, scaled(images(n, seed=12)))
    out, err = run_ok(r, model_args(r, model, X, "--threads", "2"))
    expect(err == "", "default on a small input: stderr %r" % err)
    F = load_features(r, (n, 24, 24, 20))
    out, err = run_ok(r, model_args(r, model, X, "--threads", "2", "--progress"))
    expect_progress_lines(err.splitlines(), "ran", n, "samples")
    expect(same_bits(load_features(r, (n, 24, 24, 20)), F), "--progress changed the features")


def case_model_threads_bitwise(r):
    model = make_model(r)
    n = 13
    X = os.path.join(r.dir, "X.npy")
    np.save(X, scaled(images(n, seed=11)))
    for layers, shape in (("1", (n, 24, 24, 20)), ("7", (n, 10))):
        outs = []
        for t in ("1", "2", "3", "16"):
            s, _ = run_json(r, model_args(r, model, X, "--layers", layers, "--threads", t))
            expect(s["threads"] == min(int(t), n), "threads %s: summary says %r" % (t, s["threads"]))
            outs.append(load_features(r, shape))
        for t, F in zip(("2", "3", "16"), outs[1:]):
            expect(same_bits(outs[0], F), "--layers %s: 1 vs %s threads differ (max %g)"
                   % (layers, t, np.abs(outs[0] - F).max()))


def case_model_input_formats(r):
    # idx and every accepted .npy layout of the same images give the same bits; the
    # format is told by the first bytes, not by the name.
    model = make_model(r)
    imgs = images(5, seed=3)
    x = scaled(imgs)
    files = {
        "idx": ("images-idx3-ubyte", None),
        "idx under a .npy name": ("looks.npy", None),
        "npy (N, h, w)": ("a.npy", x),
        "npy (N, h*w)": ("b.npy", x.reshape(5, -1)),
        "npy (N, h, w, 1)": ("c.npy", x.reshape(5, H, W, 1)),
        "npy float64": ("d.npy", x.astype(np.float64)),
        "npy under an .idx name": ("e.idx", x),
    }
    results = {}
    for what, (name, arr) in files.items():
        path = os.path.join(r.dir, name)
        if arr is None:
            write_idx(path, imgs)
        else:
            with open(path, "wb") as f:  # np.save would append .npy to e.idx
                np.save(f, arr)
        s, _ = run_json(r, model_args(r, model, path))
        expect(s["input_format"] == ("idx" if arr is None else "npy"), "%s: read as %r" % (what, s["input_format"]))
        results[what] = load_features(r, (5, 24, 24, 20))
    first = results["idx"]
    for what, F in results.items():
        expect(same_bits(first, F), "%s differs from idx (max %g)" % (what, np.abs(first - F).max()))
    expect_same(first, reference(r, model, 1, x), "idx features")


def maxpool2(F):
    n, h, w, c = F.shape
    return F.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


def case_model_layers(r):
    model = make_model(r)
    n = 4
    x = scaled(images(n, seed=5))
    X = os.path.join(r.dir, "X.npy")
    np.save(X, x)
    feats = {}
    for k, shape in ((1, (n, 24, 24, 20)), (2, (n, 12, 12, 20)), (3, (n, 8, 8, 50)), (4, (n, 4, 4, 50)),
                     (5, (n, 500)), (6, (n, 500)), (7, (n, 10))):
        s, _ = run_json(r, model_args(r, model, X, "--layers", str(k)))
        expect(s["layers_run"] == k and len(s["layers"]) == k, "--layers %d: summary %r" % (k, s["layers"]))
        expect(s["output_shape"] == list(shape), "--layers %d: output_shape %r" % (k, s["output_shape"]))
        feats[k] = load_features(r, shape)
        expect_same(feats[k], reference(r, model, k, x), "--layers %d" % k)
    # Independent of the library: pooling and ReLU as NumPy computes them.
    expect(same_bits(feats[2], maxpool2(feats[1])), "layer 2 is not the 2x2 max pooling of layer 1")
    expect(same_bits(feats[4], maxpool2(feats[3])), "layer 4 is not the 2x2 max pooling of layer 3")
    expect(same_bits(feats[6], np.maximum(feats[5], 0)), "layer 6 is not the ReLU of layer 5")
    kinds = [l["kind"] for l in s["layers"]]
    expect(kinds == ["csf", "maxpool2d", "conv2d", "maxpool2d", "linear", "relu", "linear"], "kinds %r" % kinds)


def patches(x, k):
    """im2col of (N, h, w, c) images: one row per k x k patch, (dy, dx, ch) order, patches
    in row-major order of their origin (docs/c-api.md, Layouts)."""
    n, h, w, c = x.shape
    oh, ow = h - k + 1, w - k + 1
    rows = np.empty((n, oh, ow, k, k, c), dtype=x.dtype)
    for dy in range(k):
        for dx in range(k):
            rows[:, :, :, dy, dx, :] = x[:, dy:dy + oh, dx:dx + ow, :]
    return rows.reshape(n * oh * ow, k * k * c)


def case_model_csf_math(r):
    # Each CSF output pixel is the elastic-net code of its 5x5 patch over P: optimal
    # (KKT in double) and equal to what sfl-encode --dict gives for the same patches.
    P_path = os.path.join(r.dir, "P.npy")
    model = make_model(r, "M.sflm", "--dict", P_path)
    n = 3
    x = scaled(images(n, seed=9)).reshape(n, H, W, 1)
    X = os.path.join(r.dir, "X.npy")
    np.save(X, x)
    s, _ = run_json(r, model_args(r, model, X))
    layer = s["layers"][0]
    expect(layer["kind"] == "csf" and layer["kernel"] == [5, 5] and layer["solver"] == "lars",
           "first layer %r" % layer)
    l1, l2 = layer["l1"], layer["l2"]
    F = load_features(r, (n, 24, 24, 20)).reshape(-1, 20)
    P = np.load(P_path)
    expect(P.shape == (25, 20), "P shape %r" % (P.shape,))
    Xp = patches(x, 5)
    G = P.astype(np.float64).T @ P + l2 * np.eye(20)
    R = Xp.astype(np.float64) @ P - F.astype(np.float64) @ G
    viol = np.where(F != 0, np.abs(R - l1 * np.sign(F)), np.maximum(0.0, np.abs(R) - l1))
    expect(viol.max() < 1e-4, "CSF codes violate the KKT conditions by %g" % viol.max())
    np.save(r.X, Xp)
    rc, _, err = r.run(["--dict", P_path, "--input", r.X, "--output", r.A, "--l1", repr(l1), "--l2", repr(l2),
                        "--solver", "lars", "--threads", "1"])
    expect(rc == 0, "--dict run: %d %r" % (rc, err))
    A = load_codes(r, Xp.shape[0], 20)
    expect(np.abs(A - F).max() <= 1e-5, "CSF features and --dict codes of the patches differ by %g"
           % np.abs(A - F).max())


def case_model_sf_default(r):
    # sf network: conv pool conv pool SF(500) linear; the extractor stops after the SF layer.
    model = make_model(r, "sf.sflm", "--net", "sf")
    n = 3
    x = scaled(images(n, seed=13))
    X = os.path.join(r.dir, "X.npy")
    np.save(X, x.reshape(n, -1))
    s, _ = run_json(r, model_args(r, model, X))
    expect(s["layers_run"] == 5 and s["model_layers"] == 6, "layers %r of %r" % (s["layers_run"], s["model_layers"]))
    expect(s["layers"][4]["kind"] == "sf" and s["output_shape"] == [n, 500], "summary %r" % s)
    expect_same(load_features(r, (n, 500)), reference(r, model, 5, x), "SF features")
    # csf+sf: the first factorization layer is the CSF one.
    model2 = make_model(r, "csfsf.sflm", "--net", "csf+sf")
    s, _ = run_json(r, model_args(r, model2, X))
    expect(s["layers_run"] == 1 and s["layers"][0]["kind"] == "csf", "csf+sf runs %r" % s["layers"])
    load_features(r, (n, 24, 24, 20))


def case_model_channels(r):
    # Colour images: a CSF layer over 5x5x3 patches; (N, h, w) is refused when c = 3.
    model = make_model(r, "rgb.sflm", "--h", "20", "--w", "20", "--c", "3")
    n = 4
    x = np.random.default_rng(21).random((n, 20, 20, 3), dtype=np.float32)
    ref = reference(r, model, 1, x)
    for arr in (x, x.reshape(n, -1)):
        np.save(r.X, arr)
        run_ok(r, model_args(r, model, r.X))
        expect_same(load_features(r, (n, 16, 16, 20)), ref, "colour features %r" % (arr.shape,))
    np.save(r.X, x[:, :, :, 0])
    r.expect_error(model_args(r, model, r.X), "shape mismatch", "(4, 20, 20)", "20x20x3", "(N, 1200)",
                   "(N, 20, 20, 3)")
    idx = os.path.join(r.dir, "gray.idx")
    write_idx(idx, images(n, 20, 20))
    r.expect_error(model_args(r, model, idx), "shape mismatch", "20x20x1", "20x20x3")


def case_model_no_plans(r):
    # A model file without the plans: built at load, same features bit for bit.
    with_plans = make_model(r, "a.sflm")
    without = make_model(r, "b.sflm", "--no-plans")
    expect(os.path.getsize(without) < os.path.getsize(with_plans), "--no-plans file is not smaller")
    np.save(r.X, scaled(images(3)))
    s1, _ = run_json(r, model_args(r, with_plans, r.X))
    F1 = load_features(r, (3, 24, 24, 20))
    s2, _ = run_json(r, model_args(r, without, r.X))
    F2 = load_features(r, (3, 24, 24, 20))
    expect(s1["plans_in_model"] is True and s2["plans_in_model"] is False,
           "plans_in_model %r / %r" % (s1["plans_in_model"], s2["plans_in_model"]))
    expect(same_bits(F1, F2), "features differ with plans built at load")


def case_model_json(r):
    model = make_model(r)
    n = 4
    idx = os.path.join(r.dir, "x.idx")
    write_idx(idx, images(n))
    s, err = run_json(r, model_args(r, model, idx, "--threads", "2"))
    expect(err == "", "stderr %r" % err)
    keys = {"mode", "model", "model_layers", "layers_run", "layers", "plans_in_model", "input", "input_format",
            "input_shape", "output", "output_shape", "samples", "threads", "seconds", "samples_per_second",
            "not_converged", "errors"}
    expect(keys <= set(s), "missing keys %r" % sorted(keys - set(s)))
    expect(s["mode"] == "model" and s["model"] == model and s["input"] == idx and s["output"] == r.A, "%r" % s)
    expect(s["model_layers"] == 7 and s["layers_run"] == 1 and s["samples"] == n and s["threads"] == 2, "%r" % s)
    expect(s["input_format"] == "idx" and s["input_shape"] == [n, H, W], "input %r" % s)
    expect(s["output_shape"] == [n, 24, 24, 20], "output_shape %r" % s["output_shape"])
    expect(s["not_converged"] == 0 and s["errors"] == 0, "counts %r" % s)
    expect(s["seconds"] > 0 and s["samples_per_second"] > 0, "timing %r" % s)
    layer = s["layers"][0]
    want = {"layer": 1, "kind": "csf", "in": [H, W, 1], "out": [24, 24, 20], "kernel": [5, 5], "stride": [1, 1],
            "padding": [0, 0], "solver": "lars", "max_iter": 0}
    expect(all(layer.get(k) == v for k, v in want.items()), "layer %r" % layer)
    expect(abs(layer["l1"] - 0.1) < 1e-7 and abs(layer["l2"] - 0.01) < 1e-7, "l1/l2 %r" % layer)
    load_features(r, (n, 24, 24, 20))


def case_model_not_converged(r):
    # One LARS step per solve: most patch codes stop early; sfl-encode counts the samples,
    # warns, still writes the features (the last iterate) and exits 0.
    model = make_model(r, "short.sflm", "--max-iter", "1")
    n = 5
    x = scaled(images(n, seed=17))
    np.save(r.X, x)
    s, err = run_json(r, model_args(r, model, r.X, "--threads", "2"))
    expect(0 < s["not_converged"] <= n, "not_converged %r of %d" % (s["not_converged"], n))
    lines = err.splitlines()
    expect(len(lines) == 1 and lines[0].startswith("sfl-encode: warning: ") and "iteration bound" in lines[0]
           and ("%d of %d" % (s["not_converged"], n)) in lines[0], "warning %r" % err)
    expect_same(load_features(r, (n, 24, 24, 20)), reference(r, model, 1, x), "last-iterate features")


# bad input with --model: exit 1, one line, no output

def case_model_flag_conflicts(r):
    model = make_model(r)
    np.save(r.X, scaled(images(2)))
    r.write_inputs()
    base = model_args(r, model, r.X)
    r.expect_usage_error(base + ["--dict", r.P], "--dict", "--model", "mutually exclusive")
    for flag, value in (("--l1", "0.1"), ("--l2", "0.01"), ("--solver", "cd"), ("--tol", "1e-6"),
                        ("--max-iter", "5"), ("--positive", None)):
        line = r.expect_usage_error(base + [flag] + ([value] if value else []), flag, "--model")
        expect(line.startswith("sfl-encode: error: " + flag), "the error does not start with %s: %r" % (flag, line))
    r.expect_usage_error(r.args(layers="2"), "--layers", "--model")
    r.expect_usage_error(["--model", model, "--input", r.X], "missing", "--output")
    r.expect_usage_error(["--model", model, "--output", r.A], "missing", "--input")


def case_model_layers_range(r):
    model = make_model(r)
    np.save(r.X, scaled(images(2)))
    # More layers than the model has: a problem of the file (exit 1); not a layer count: usage (2).
    r.expect_error(model_args(r, model, r.X, "--layers", "8"), "--layers 8", "7 layers", model)
    r.expect_usage_error(model_args(r, model, r.X, "--layers", "0"), "--layers", "1 .. 16")
    r.expect_usage_error(model_args(r, model, r.X, "--layers", "two"), "--layers", "integer")


def case_model_no_factor_layer(r):
    # LeNet has no SF/CSF layer: the default extractor does not exist; --layers works.
    model = make_model(r, "lenet.sflm", "--net", "lenet")
    np.save(r.X, scaled(images(2)))
    r.expect_error(model_args(r, model, r.X), "no SF or CSF layer", "--layers", model)
    s, _ = run_json(r, model_args(r, model, r.X, "--layers", "1"))
    expect(s["layers"][0]["kind"] == "conv2d", "lenet layer 1 %r" % s["layers"][0])
    load_features(r, (2, 24, 24, 20))


def case_model_bad_shape(r):
    model = make_model(r)
    x = scaled(images(4))
    for arr, shown in ((x[:, :27, :], "(4, 27, 28)"), (x.reshape(4, -1)[:, :783], "(4, 783)"),
                       (np.stack([x, x], axis=3), "(4, 28, 28, 2)"), (x[0].reshape(-1), "(784,)"),
                       (x.reshape(4, 1, 28, 28, 1), "(4, 1, 28, 28, 1)")):
        np.save(r.X, arr)
        r.expect_error(model_args(r, model, r.X), "shape mismatch", r.X, shown, "28x28x1", "(N, 784)",
                       "(N, 28, 28)")
    idx = os.path.join(r.dir, "small.idx")
    write_idx(idx, images(3, 27, 28))
    r.expect_error(model_args(r, model, idx), "shape mismatch", idx, "27x28x1", "28x28x1")


def case_model_bad_model_file(r):
    good = make_model(r)
    np.save(r.X, scaled(images(2)))
    r.write_inputs()
    r.expect_error(model_args(r, r.P, r.X), "--model", r.P, "not an sfl model")
    gone = os.path.join(r.dir, "nope.sflm")
    r.expect_error(model_args(r, gone, r.X), "--model", gone)
    blob = open(good, "rb").read()
    cut = os.path.join(r.dir, "cut.sflm")
    with open(cut, "wb") as f:
        f.write(blob[: len(blob) // 2])
    r.expect_error(model_args(r, cut, r.X), "--model", cut, "truncated")
    bad = bytearray(blob)
    bad[len(bad) // 2] ^= 0x40
    flipped = os.path.join(r.dir, "flipped.sflm")
    with open(flipped, "wb") as f:
        f.write(bytes(bad))
    r.expect_error(model_args(r, flipped, r.X), "--model", flipped, "CRC")


def case_model_bad_idx(r):
    model = make_model(r)
    labels = os.path.join(r.dir, "labels-idx1-ubyte")
    with open(labels, "wb") as f:
        f.write(struct.pack(">II", 0x801, 3) + bytes([1, 2, 3]))
    r.expect_error(model_args(r, model, labels), "--input", labels, "label file")
    gz = os.path.join(r.dir, "images.gz")
    with open(gz, "wb") as f:
        f.write(b"\x1f\x8b\x08\x00" + bytes(20))
    r.expect_error(model_args(r, model, gz), "--input", gz, "gzip")
    short = os.path.join(r.dir, "short.idx")
    write_idx(short, images(3))
    with open(short, "rb+") as f:
        f.truncate(os.path.getsize(short) - 10)
    r.expect_error(model_args(r, model, short), "--input", short, "truncated")
    text = os.path.join(r.dir, "x.txt")
    with open(text, "w") as f:
        f.write("1 2 3\n")
    r.expect_error(model_args(r, model, text), "--input", text, "not a .npy")


def case_model_nan_input(r):
    model = make_model(r)
    x = scaled(images(4)).reshape(4, -1)
    x[2, 5] = np.nan
    np.save(r.X, x)
    r.expect_error(model_args(r, model, r.X), "--input", "NaN", "sample 2", "element 5")
    x[2, 5] = 0.5
    x[3, 783] = np.inf
    np.save(r.X, x)
    r.expect_error(model_args(r, model, r.X), "--input", "Inf", "sample 3", "element 783")


def case_model_empty_input(r):
    model = make_model(r)
    np.save(r.X, np.zeros((0, H, W), dtype=np.float32))
    r.expect_error(model_args(r, model, r.X), "--input", "no images")
    out = os.path.join(r.dir, "missing_dir", "F.npy")
    np.save(r.X, scaled(images(2)))
    r.expect_error(["--model", model, "--input", r.X, "--output", out], "--output", "directory")


CASES = registry(globals())


def main(argv):
    return cases_main(argv, __doc__, CASES, "cli.encode", "--make-model", Run, value_optional=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
