#!/usr/bin/python3
"""Tests of the Python package python/sfl (ctypes over libsfl.so).

  test_sfl_python.py --case NAME [--library LIBSFL] -- SFL_ENCODE...
                                              run one case; SFL_ENCODE is the sfl-encode command
                                              (with its emulator prefix when cross-compiled);
                                              LIBSFL, when given, is exported as SFL_LIBRARY
  test_sfl_python.py --list                   print the case names
  test_sfl_python.py --check-list NAME...     fail unless NAME... are exactly the cases

The package is imported from $SFL_TEST_PACKAGE_DIR (the install test sets it to the installed
copy), by default from the source tree's python/. Cases: the codes equal sfl-encode's on the same .npy files bit for bit
(cli_*); scikit-learn's solutions, signed and non-negative (sklearn_*: objective within 1e-5
relative, codes close; exit 77, skipped, without scikit-learn); a table of bad inputs, each
raising its exception and status (bad_inputs); the same bits for every thread count
(threads_bitwise); info consistent with the codes (info_*); the library lookup (library_*);
the README's example (readme_example). Exit status 77 (skipped) without numpy.
"""
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cli_cases import Scratch, cases_main, expect, registry  # noqa: E402 (tests/cli_cases.py)

try:
    import numpy as np
except ImportError:  # pragma: no cover
    print("numpy is not available: skipping")
    sys.exit(77)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGE_DIR = os.path.abspath(os.environ.get("SFL_TEST_PACKAGE_DIR") or os.path.join(ROOT, "python"))
sys.path.insert(0, PACKAGE_DIR)
import sfl  # noqa: E402

if os.path.dirname(os.path.dirname(os.path.abspath(sfl.__file__))) != PACKAGE_DIR:
    sys.exit("imported %s, not the package in %s" % (sfl.__file__, PACKAGE_DIR))
SKIP = 77
L1, L2 = 0.1, 0.01


def problem(n, m, K, seed=1):
    """A unit-norm Gaussian dictionary (m, K) and Gaussian signals (n, m), float32."""
    rng = np.random.default_rng(seed)
    P = rng.standard_normal((m, K))
    P /= np.linalg.norm(P, axis=0)
    return P.astype(np.float32), rng.standard_normal((n, m)).astype(np.float32)


def kkt(P, X, A, l1, l2, positive=False):
    """Worst optimality violation per row, in float64 (sfl_enet.h; positive: r_j = l1 on the
    support, r_j <= l1 off it, and no negative code)."""
    P, X, A = (np.asarray(v, dtype=np.float64) for v in (P, X, A))
    R = X @ P - A @ (P.T @ P + l2 * np.eye(P.shape[1]))
    on = A != 0
    if positive:  # negative codes are checked on their own
        viol = np.where(on, np.abs(R - l1), np.maximum(0.0, R - l1))
    else:
        viol = np.where(on, np.abs(R - l1 * np.sign(A)), np.maximum(0.0, np.abs(R) - l1))
    return viol.max(axis=1)


def need_sklearn():
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("scikit-learn is not available: skipping (Debian: apt-get install python3-sklearn)")
        sys.exit(SKIP)


def quiet_encode(*args, **kw):
    """sfl.encode, failing on any warning (the good cases must not issue one)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return sfl.encode(*args, **kw)


class Run(Scratch):
    timeout = 120


# ---- (a) the same codes as sfl-encode ----------------------------------------------------

def same_as_cli(r, solver, n, m, K, extra):
    P, X = problem(n, m, K, seed=3)
    np.save(r.path("P.npy"), P)
    np.save(r.path("X.npy"), X.astype(np.float64))  # both sides convert float64 to float32
    for threads in (1, 2):
        out = r.path("A%d.npy" % threads)
        args = ["--dict", r.path("P.npy"), "--input", r.path("X.npy"), "--output", out, "--l1", str(L1), "--l2",
                str(L2), "--solver", solver, "--threads", str(threads), "--json", "-"] + extra
        rc, stdout, err = r.run(args)
        expect(rc == 0, "sfl-encode exit status %d: %s" % (rc, err))
        summary = json.loads(stdout)
        A_cli = np.load(out)
        kw = {"tol": float(extra[1])} if extra else {}
        A, info = quiet_encode(P, X.astype(np.float64), L1, L2, solver=solver, threads=threads, **kw)
        expect(A.dtype == A_cli.dtype and A.shape == A_cli.shape, "A %s %s, sfl-encode's %s %s" %
               (A.dtype, A.shape, A_cli.dtype, A_cli.shape))
        diff = np.flatnonzero((A != A_cli).any(axis=1))
        expect(not len(diff), "threads=%d: %d rows differ from sfl-encode's, first %s: %s vs %s" %
               (threads, len(diff), diff[:1], A[diff[:1]], A_cli[diff[:1]]))
        mean = float(info.objective.astype(np.float64).mean())
        expect(abs(summary["mean_objective"] - mean) <= 1e-6 * mean,
               "mean objective %r, sfl-encode's %r" % (mean, summary["mean_objective"]))
        expect(summary["max_kkt"] == float(np.float64(info.kkt.max())) or
               abs(summary["max_kkt"] - info.kkt.max()) <= 1e-6 * info.kkt.max(),
               "worst KKT %r, sfl-encode's %r" % (info.kkt.max(), summary["max_kkt"]))
        expect((A != 0).any(), "all codes zero")


def case_cli_lars(r):
    # K = 20 <= 32 with more than one lane block of 256 rows: the lanes run, as in sfl-encode.
    same_as_cli(r, "lars", 300, 25, 20, [])
    same_as_cli(r, "lars", 40, 30, 40, [])  # K > 32: one row at a time


def case_cli_cd(r):
    same_as_cli(r, "cd", 120, 25, 40, ["--tol", "1e-7"])


# ---- (b) scikit-learn's solutions ---------------------------------------------------------

def sklearn_codes(P, X, l1, l2, positive):
    """scikit-learn's codes in float64. It divides the data term by n_samples = m
    (scripts/make_fixtures.py, bench/compare_sklearn.py): ElasticNet(alpha = (l1 + l2)/m,
    l1_ratio = l1/(l1 + l2)); Lasso(alpha = l1/m) when l2 = 0. Signed with l2 = 0 it is
    sparse_encode(lasso_lars, alpha = l1), exact; not so for positive codes: its positive
    LARS stops short of the minimiser (KKT off by 0.06 here) and its lasso_cd has a fixed
    tol of 1e-4, so Lasso itself, to tol 1e-12."""
    from sklearn.decomposition import sparse_encode
    from sklearn.linear_model import ElasticNet, Lasso
    P64, X64 = P.astype(np.float64), X.astype(np.float64)
    m = P.shape[0]
    if l2 == 0 and not positive:
        return sparse_encode(X64, P64.T, algorithm="lasso_lars", alpha=l1, max_iter=100000)
    if l2 == 0:
        model = Lasso(alpha=l1 / m, fit_intercept=False, positive=True, tol=1e-12, max_iter=100000)
    else:
        model = ElasticNet(alpha=(l1 + l2) / m, l1_ratio=l1 / (l1 + l2), fit_intercept=False, positive=positive,
                           tol=1e-12, max_iter=100000)
    model.fit(P64, X64.T)
    return np.atleast_2d(model.coef_)


def against_sklearn(positive):
    from sklearn.exceptions import ConvergenceWarning
    P, X = problem(60, 30, 20, seed=5)
    for l1, l2 in ((0.2, 0.0), (L1, L2), (0.05, 0.5)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            B = sklearn_codes(P, X, np.float32(l1), np.float32(l2), positive)
        ref = sfl.objective(P, X, B, np.float32(l1), np.float32(l2))
        for solver in ("lars", "cd"):
            A, info = quiet_encode(P, X, l1, l2, solver=solver, positive=positive, tol=1e-7)
            what = "%s positive=%s l1=%g l2=%g" % (solver, positive, l1, l2)
            if positive:
                expect((A >= 0).all(), "%s: %d negative codes (min %g)" % (what, (A < 0).sum(), A.min()))
            obj = sfl.objective(P, X, A, np.float32(l1), np.float32(l2))
            rel = np.abs(obj - ref) / np.maximum(ref, 1e-12)
            expect(rel.max() <= 1e-5, "%s: objective off scikit-learn's by %.3g relative (row %d: %r vs %r)" %
                   (what, rel.max(), rel.argmax(), obj[rel.argmax()], ref[rel.argmax()]))
            err = np.abs(A - B).max()
            expect(err <= 2e-3, "%s: codes differ from scikit-learn's by %.3g" % (what, err))
            expect(((A != 0) == (np.abs(B) > 1e-6)).mean() >= 0.98, "%s: supports differ" % what)


def case_sklearn_signed(_r):
    need_sklearn()
    against_sklearn(positive=False)


def case_sklearn_positive(_r):
    need_sklearn()
    against_sklearn(positive=True)


def case_positive_kkt(_r):
    """Non-negative codes without scikit-learn: a >= 0 and the KKT of the constrained problem."""
    P, X = problem(80, 30, 20, seed=7)
    for solver in ("lars", "cd"):
        for lanes in (True, False):
            A, info = quiet_encode(P, X, L1, L2, solver=solver, positive=True, lanes=lanes, tol=1e-7)
            expect((A >= 0).all(), "%s lanes=%s: %d negative codes" % (solver, lanes, (A < 0).sum()))
            worst = kkt(P, X, A, L1, L2, positive=True).max()
            expect(worst < 1e-4, "%s lanes=%s: positive KKT violated by %g" % (solver, lanes, worst))
            expect(info.kkt.max() < 1e-4, "%s: info.kkt %g" % (solver, info.kkt.max()))


# ---- (c) bad inputs ------------------------------------------------------------------------

def bad_input_table():
    """(what, call, exception type, status or None, words the message must hold)."""
    P, X = problem(5, 6, 9, seed=2)
    P64 = P.astype(np.float64)

    def with_value(a, i, j, v):
        a = a.astype(np.float64)
        a[i, j] = v
        return a

    zero = P.copy()
    zero[:, 4] = 0
    E, BAD_PARAM = sfl.Error, -3
    return [
        ("P 1-D", lambda: sfl.encode(P[:, 0], X, L1, L2), ValueError, None, ["P must be 2-D", "(6,)"]),
        ("X 1-D", lambda: sfl.encode(P, X[0], L1, L2), ValueError, None, ["X must be 2-D", "(6,)"]),
        ("X 3-D", lambda: sfl.encode(P, X.reshape(5, 2, 3), L1, L2), ValueError, None, ["X must be 2-D"]),
        ("shapes", lambda: sfl.encode(P, X[:, :5], L1, L2), ValueError, None, ["(5, 5)", "(6, 9)"]),
        ("sklearn layout", lambda: sfl.encode(P.T, X[:, :6], L1, L2), ValueError, None, ["D.T"]),
        ("NaN in X", lambda: sfl.encode(P, with_value(X, 2, 3, np.nan), L1, L2), E, -20, ["X[2, 3]", "nan"]),
        ("Inf in P", lambda: sfl.encode(with_value(P, 1, 7, -np.inf), X, L1, L2), E, -20, ["P[1, 7]", "inf"]),
        ("X overflows float32", lambda: sfl.encode(P64, with_value(X, 4, 0, 1e39), L1, L2), E, -20,
         ["X[4, 0]", "overflows float32"]),
        ("NaN, threads", lambda: sfl.encode(P, with_value(X, 4, 1, np.nan), L1, L2, threads=3), E, -20, ["X[4, 1]"]),
        ("zero atom", lambda: sfl.encode(zero, X, L1, L2), E, -22, ["column 4"]),
        ("l1 < 0", lambda: sfl.encode(P, X, -0.1, L2), E, BAD_PARAM, ["l1 = -0.1", ">= 0"]),
        ("l2 NaN", lambda: sfl.encode(P, X, L1, float("nan")), E, BAD_PARAM, ["l2 = nan"]),
        ("l1 beyond float32", lambda: sfl.encode(P, X, 1e39, L2), E, BAD_PARAM, ["l1"]),
        ("l1 a string", lambda: sfl.encode(P, X, "0.1", L2), TypeError, None, ["l1"]),
        ("cd tol 0", lambda: sfl.encode(P, X, L1, L2, solver="cd", tol=0), E, BAD_PARAM, ["tol=0 "]),
        ("cd tol 1.5", lambda: sfl.encode(P, X, L1, L2, solver="cd", tol=1.5), E, BAD_PARAM, ["tol=1.5"]),
        ("max_iter < 0", lambda: sfl.encode(P, X, L1, L2, max_iter=-1), E, BAD_PARAM, ["max_iter=-1"]),
        ("max_iter > int32", lambda: sfl.encode(P, X, L1, L2, max_iter=2**40), E, BAD_PARAM, ["int32"]),
        ("max_iter float", lambda: sfl.encode(P, X, L1, L2, max_iter=1.0), TypeError, None, ["max_iter"]),
        ("solver", lambda: sfl.encode(P, X, L1, L2, solver="fista"), ValueError, None, ["'fista'"]),
        ("positive 2", lambda: sfl.encode(P, X, L1, L2, positive=2), ValueError, None, ["positive"]),
        ("lanes text", lambda: sfl.encode(P, X, L1, L2, lanes="yes"), ValueError, None, ["lanes"]),
        ("threads 0", lambda: sfl.encode(P, X, L1, L2, threads=0), ValueError, None, ["threads"]),
        ("threads float", lambda: sfl.encode(P, X, L1, L2, threads=1.5), TypeError, None, ["threads"]),
        ("complex X", lambda: sfl.encode(P, X + 1j, L1, L2), TypeError, None, ["X", "complex"]),
        ("text X", lambda: sfl.encode(P, [["a"] * 6], L1, L2), TypeError, None, ["X", "<U1"]),
        ("object P", lambda: sfl.encode(np.array([[None]]), X, L1, L2), TypeError, None, ["P", "object"]),
        ("m too large", lambda: sfl.encode(np.ones((16385, 1)), np.ones((1, 16385)), L1, L2), E, -2, ["16384"]),
        ("no atoms", lambda: sfl.encode(np.ones((6, 0)), X, L1, L2), E, -2, ["(6, 0)"]),
    ]


def case_bad_inputs(_r):
    for what, call, kind, status, words in bad_input_table():
        try:
            call()
        except Exception as e:  # noqa: BLE001 (the type is the check)
            expect(type(e) is kind, "%s: raised %s (%s), expected %s" % (what, type(e).__name__, e, kind.__name__))
            text = str(e)
            if status is not None:
                expect(e.status == status and e.name == sfl.STATUS_NAMES[status],
                       "%s: status %r %r, expected %d" % (what, e.status, e.name, status))
                expect(e.name in text, "%s: message %r lacks the status name" % (what, text))
            for w in words:
                expect(w.lower() in text.lower(), "%s: message %r does not mention %r" % (what, text, w))
        else:
            raise AssertionError("%s: no exception" % what)


# ---- (d) threads ---------------------------------------------------------------------------

def case_threads_bitwise(_r):
    P20, X20 = problem(700, 25, 20, seed=11)  # lanes: three 256-row blocks, split anywhere
    P40, X40 = problem(150, 30, 40, seed=12)
    for P, X, kw in ((P20, X20, dict(solver="lars")), (P20, X20, dict(solver="lars", lanes=False)),
                     (P40, X40, dict(solver="lars")), (P20, X20, dict(solver="cd", tol=1e-7)),
                     (P40, X40, dict(solver="cd"))):
        enc = sfl.Encoder(P, L1, L2, **kw)
        A1, info1 = enc(X)
        for threads in (2, 3, 7):
            A, info = enc(X, threads=threads)
            expect(A.tobytes() == A1.tobytes(), "%r threads=%d: codes differ from threads=1" % (kw, threads))
            expect(info.tobytes() == info1.tobytes(), "%r threads=%d: info differs from threads=1" % (kw, threads))
        A2, info2 = sfl.encode(P, X, L1, L2, threads=2, **kw)
        expect(A2.tobytes() == A1.tobytes() and info2.tobytes() == info1.tobytes(),
               "%r: encode() differs from a reused Encoder" % kw)
        A3, info3 = enc(X[:5], threads=64)  # more threads than rows: one row each
        expect(A3.tobytes() == A1[:5].tobytes() and info3.tobytes() == info1[:5].tobytes(),
               "%r: threads > rows differs" % kw)


# ---- (e) info ------------------------------------------------------------------------------

def case_info_consistent(_r):
    P, X = problem(300, 25, 20, seed=13)
    X[7] = 0  # a zero signal: the zero code
    for solver in ("lars", "cd"):
        A, info = quiet_encode(P, X, L1, L2, solver=solver, tol=1e-7, threads=2)
        expect(info.dtype.names == ("status", "iterations", "support", "hit_iter_limit", "objective", "gap", "kkt"),
               "info fields %r" % (info.dtype.names,))
        expect(len(info) == len(X) and info.status.dtype == np.int32 and info.kkt.dtype == np.float32, "info dtype")
        expect((info["status"] == info.status).all(), "info['status'] is not info.status")
        expect((info.status == 0).all() and (info.hit_iter_limit == 0).all(), "%s: statuses %r" %
               (solver, np.unique(info.status)))
        nnz = np.count_nonzero(A, axis=1)
        expect((info.support == nnz).all(), "%s: support %r != nonzeros %r" % (solver, info.support[:5], nnz[:5]))
        expect(not A[7].any() and info.support[7] == 0, "%s: zero signal, nonzero code" % solver)
        expect(info.kkt.max() < 1e-4 and kkt(P, X, A, L1, L2).max() < 1e-4, "%s: KKT %g (recomputed %g)" %
               (solver, info.kkt.max(), kkt(P, X, A, L1, L2).max()))
        obj = sfl.objective(P, X, A, L1, L2)
        expect(np.allclose(info.objective, obj, rtol=1e-5, atol=1e-7), "%s: objective %r vs %r" %
               (solver, info.objective[:3], obj[:3]))
        expect((info.gap >= 0).all() and (info.iterations[nnz > 0] > 0).all(), "%s: gap/iterations" % solver)
        expect((A != 0).any() and (nnz < P.shape[1]).any(), "%s: degenerate test data" % solver)
    A, info = sfl.encode(P, X[:0], L1, L2)
    expect(A.shape == (0, 20) and info.shape == (0,), "n = 0: shapes %s %s" % (A.shape, info.shape))


def case_info_warning(_r):
    """A warning status never raises: it is in info, and an sfl.SflWarning is issued."""
    P, X = problem(50, 25, 20, seed=14)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        A, info = sfl.encode(P, X, 0.01, L2, solver="cd", max_iter=1, threads=2)
    hit = info.hit_iter_limit == 1
    expect(hit.any() and (info.status[hit] == 1).all() and (info.status[~hit] == 0).all(),
           "statuses %r, limits %r" % (np.unique(info.status), hit.sum()))
    expect(np.isfinite(A).all(), "non-finite last iterates")
    ours = [w for w in caught if issubclass(w.category, sfl.SflWarning)]
    expect(len(ours) == 1, "%d SflWarnings: %r" % (len(ours), [str(w.message) for w in caught]))
    w = ours[0].message
    expect(w.status == 1 and w.name == "SFL_WARN_NOT_CONVERGED" and ("%d of 50" % hit.sum()) in str(w),
           "warning %r" % str(w))
    expect(ours[0].filename == __file__, "warning attributed to %s, not the caller" % ours[0].filename)
    # A row that fails on its own (c = P^T x overflows float): SFL_WARN_ROWS_FAILED, that row zero, the rest solved.
    P = np.abs(P) / np.linalg.norm(P, axis=0)
    X[3] = 3e38
    for solver in ("lars", "cd"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            A, info = sfl.encode(P, X, L1, L2, solver=solver, threads=3)
        expect(info.status[3] == -20 and (np.delete(info.status, 3) == 0).all() and not A[3].any() and
               A.any(), "%s: a failing row: statuses %r" % (solver, np.unique(info.status)))
        msgs = [str(w.message) for w in caught if issubclass(w.category, sfl.SflWarning)]
        expect(len(msgs) == 1 and "SFL_WARN_ROWS_FAILED: 1 of 50 signals failed (SFL_ERR_NOT_FINITE)" in msgs[0],
               "%s: warnings %r" % (solver, msgs))


# ---- the library: lookup, version ----------------------------------------------------------

def case_library(_r):
    path = sfl.library_path()
    expect(os.environ.get("SFL_LIBRARY") in (None, path), "library_path %r, SFL_LIBRARY %r" %
           (path, os.environ.get("SFL_LIBRARY")))
    expect(re.fullmatch(r"0\.5\.\d+", sfl.version()), "version %r" % sfl.version())
    expect(sfl.simd_arch(), "no SIMD arch name")
    expect(sfl.status_string(-3) != "unknown status" and sfl.status_string(12345) == "unknown status",
           "status_string %r %r" % (sfl.status_string(-3), sfl.status_string(12345)))
    from sfl import _lib
    # A library of another minor version: refused with a message naming both versions.
    saved = _lib.ABI_VERSION
    try:
        _lib.ABI_VERSION = (0, 4)
        _lib.reset()
        try:
            sfl.encode(*problem(2, 4, 3), L1, L2)
        except sfl.LibraryError as e:
            expect("0.4.x" in str(e) and "is version 0.5" in str(e), "message %r" % str(e))
        else:
            raise AssertionError("a 0.4 package accepted a 0.5 library")
    finally:
        _lib.ABI_VERSION = saved
        _lib.reset()
    expect(sfl.library_path() == path, "reloaded %r" % sfl.library_path())
    # SFL_LIBRARY naming a missing file: a clear error at the first call, not a crash.
    env = dict(os.environ, SFL_LIBRARY="/nonexistent/libsfl.so", PYTHONPATH=PACKAGE_DIR)
    code = "import sfl\ntry:\n    sfl.version()\nexcept sfl.LibraryError as e:\n    print('LibraryError:', e)\n"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    expect(out.returncode == 0 and "LibraryError: cannot load libsfl '/nonexistent/libsfl.so' (SFL_LIBRARY)"
           in out.stdout, "missing library: %r %r" % (out.stdout, out.stderr))
    # A file that is not libsfl.
    env["SFL_LIBRARY"] = ctypes_libc()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    expect(out.returncode == 0 and "is not libsfl" in out.stdout, "not libsfl: %r %r" % (out.stdout, out.stderr))


def ctypes_libc():
    import ctypes.util
    return ctypes.util.find_library("c") or "libc.so.6"


# ---- the README's example ------------------------------------------------------------------

def readme_example():
    """The ```python block of README.md's "## Python" section and the output shown after it."""
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    section = text.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(\w*)\n(.*?)```", section, re.S)
    code = [b for lang, b in blocks if lang == "python"]
    shown = [b for lang, b in blocks if lang == "text"]
    expect(len(code) == 1 and len(shown) == 1, "README's Python section: %d python, %d text blocks" %
           (len(code), len(shown)))
    return code[0], shown[0]


def case_readme_example(_r):
    code, shown = readme_example()
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("error")
        exec(compile(code, "README.md", "exec"), {})
    # The numbers are the SIMD build's; another instruction set may round the last digits apart.
    got, want = out.getvalue().split(), shown.split()
    expect(len(got) == len(want), "README example printed %r, README shows %r" % (out.getvalue(), shown))
    for g, w in zip(got, want):
        same = g == w
        if not same:
            try:
                same = abs(float(g.strip("[],")) - float(w.strip("[],"))) <= 1e-3 * max(1.0, abs(float(w.strip("[],"))))
            except ValueError:
                same = False
        expect(same, "README example printed %r, README shows %r" % (out.getvalue(), shown))


CASES = registry(globals())


def main(argv):
    def make_run(cmd, library, tmp):
        if library:
            os.environ["SFL_LIBRARY"] = library
        return Run(cmd, tmp)

    return cases_main(argv, __doc__, CASES, "python", "--library", make_run, value_optional=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
