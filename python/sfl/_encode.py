"""encode() and Encoder: sfl_enet_encode over NumPy arrays. Internal: use the names sfl exports."""
import ctypes
import math
import operator
import threading
import warnings

import numpy as np

from . import _lib

# sfl_enet_info as a NumPy dtype: encode() passes the info array to C as it is.
INFO_DTYPE = np.dtype([("status", "<i4"), ("iterations", "<i4"), ("support", "<i4"), ("hit_iter_limit", "<i4"),
                       ("objective", "<f4"), ("gap", "<f4"), ("kkt", "<f4")])
assert INFO_DTYPE.itemsize == ctypes.sizeof(_lib.EnetInfo)

_SOLVERS = {"lars": _lib.LARS, "cd": _lib.CD}
_INT32_MAX = 2**31 - 1
_FLOAT32_MAX = float(np.finfo(np.float32).max)
_ROWS_PER_CALL = 1 << 30  # n is int32 in the C API: longer row ranges are split into calls


class Error(Exception):
    """The library refused a call (a negative sfl_status), or an argument it would refuse.

    status: the sfl_status code (int); name: its enum name ("SFL_ERR_BAD_PARAM");
    function: the C function (or the Python check) that refused."""

    def __init__(self, status, function, detail=""):
        self.status = int(status)
        self.name = _lib.STATUS_NAMES.get(self.status, "status %d" % self.status)
        self.function = function
        self.detail = detail
        super().__init__(str(self))

    def __str__(self):
        text = "%s: %s (%d)" % (self.function, self.name, self.status)
        meaning = status_string(self.status)
        if meaning:
            text += ": " + meaning
        return text + ("; " + self.detail if self.detail else "")


class SflWarning(UserWarning):
    """A call completed with a warning status (> 0): some signals hit the iteration bound
    (SFL_WARN_NOT_CONVERGED) or failed on their own (SFL_WARN_ROWS_FAILED); info says which."""

    def __init__(self, status, message):
        self.status = int(status)
        self.name = _lib.STATUS_NAMES.get(self.status, "status %d" % self.status)
        super().__init__(message)


def status_string(status):
    """The library's text for a status ("" when it was built with SFL_STRIP_STATUS_STRINGS)."""
    try:
        return _lib.lib().sfl_status_string(int(status)).decode()
    except _lib.LibraryError:
        return ""


def version():
    """Version string of the libsfl in use, e.g. "0.5.0"."""
    return _lib.lib().sfl_version_string().decode()


def simd_arch():
    """Instruction set libsfl's kernels were compiled for ("avx512bw", "sse2", "scalar", ...)."""
    return _lib.lib().sfl_simd_arch().decode()


def _check(status, function, detail=""):
    if status < 0:
        raise Error(status, function, detail() if callable(detail) else detail)
    return status


def _aligned_bytes(nbytes):
    """A uint8 array of nbytes whose address is a multiple of SFL_WORKSPACE_ALIGN."""
    raw = np.empty(nbytes + _lib.WORKSPACE_ALIGN, dtype=np.uint8)
    offset = -raw.ctypes.data % _lib.WORKSPACE_ALIGN
    return raw[offset:offset + nbytes]


def _float32_matrix(name, value, layout):
    """value as a C-contiguous float32 2-D array (a copy only where needed)."""
    a = np.asarray(value)
    if a.dtype.kind not in "biuf":
        raise TypeError("%s must hold real numbers, got dtype %s" % (name, a.dtype))
    if a.ndim != 2:
        raise ValueError("%s must be 2-D %s, got shape %s" % (name, layout, a.shape))
    with np.errstate(over="ignore"):  # values beyond float32 become inf: the library reports them
        return np.ascontiguousarray(a, dtype=np.float32)


def _first_not_finite(name, a32, original):
    """Where a float32 array is not finite, said for a person (None if it is finite)."""
    bad = np.argwhere(~np.isfinite(a32))
    if not len(bad):
        return None
    i, j = bad[0]
    v = np.asarray(original)[i, j]
    why = "overflows float32" if np.isfinite(v) else "is not finite"
    return "%s[%d, %d] = %r %s (%d entries not finite as float32)" % (name, i, j, float(v), why, len(bad))


def _flag(name, value):
    if value not in (0, 1) or isinstance(value, float):
        raise ValueError("%s must be True or False, got %r" % (name, value))
    return int(bool(value))


def _weight(name, value):
    if isinstance(value, (str, bytes)):
        raise TypeError("%s must be a real number, got %r" % (name, value))
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError("%s must be a real number, got %r" % (name, value)) from None
    if not (math.isfinite(v) and 0.0 <= v <= _FLOAT32_MAX):
        raise Error(_lib.SFL_ERR_BAD_PARAM, "sfl.encode", "%s = %r: must be finite (in float32) and >= 0" % (name, v))
    return v


def _split_range(n, T, t):
    """Rows [begin, end) of thread t of T (sfl::split_range: sizes differ by one at most)."""
    q, r = divmod(n, T)
    begin = t * q + min(t, r)
    return begin, begin + q + (1 if t < r else 0)


class Encoder:
    """A dictionary's plan and settings, for encoding many batches (encode() builds one per call).

    Encoder(P, l1, l2, solver="lars", positive=False, tol=1e-6, max_iter=0, lanes=True)
    then enc(X, threads=1) -> (A, info), as encode(). The plan (G = P^T P + l2 I) is built
    here, once; workspaces are kept between calls. Calls on one Encoder from several Python
    threads run one at a time (use one Encoder per thread to overlap them)."""

    def __init__(self, P, l1, l2, solver="lars", positive=False, tol=1e-6, max_iter=0, lanes=True):
        lib = _lib.lib()
        # A copy of its own: the plan's P, which the caller cannot change under it.
        self.P = np.array(_float32_matrix("P", P, "(m, K): atoms are the columns"), copy=True)
        self.P.flags.writeable = False
        self.m, self.K = self.P.shape
        if solver not in _SOLVERS:
            raise ValueError("solver must be 'lars' or 'cd', got %r" % (solver,))
        try:
            max_iter = operator.index(max_iter)
        except TypeError:
            raise TypeError("max_iter must be an integer, got %r" % (max_iter,)) from None
        if not -_INT32_MAX - 1 <= max_iter <= _INT32_MAX:
            raise Error(_lib.SFL_ERR_BAD_PARAM, "sfl.encode", "max_iter = %d is outside int32" % max_iter)
        self.params = _lib.EnetParams(l1=_weight("l1", l1), l2=_weight("l2", l2), tol=float(tol), max_iter=max_iter,
                                      solver=_SOLVERS[solver], lanes=_flag("lanes", lanes),
                                      positive=_flag("positive", positive))
        self.solver = solver

        dims = _lib.EnetDims(m=min(self.m, _INT32_MAX), K=min(self.K, _INT32_MAX))
        plan_bytes = ctypes.c_size_t()
        _check(lib.sfl_enet_plan_size(ctypes.byref(dims), ctypes.byref(plan_bytes)), "sfl_enet_plan_size",
               "P has shape %s; m and K must be in 1 .. %d" % (self.P.shape, _lib.MAX_DIM))
        self._plan_mem = _aligned_bytes(plan_bytes.value)
        plan = ctypes.c_void_p()
        _check(lib.sfl_enet_plan_init(self._plan_mem.ctypes.data, plan_bytes.value, ctypes.byref(self.params),
                                      ctypes.byref(dims), self.P.ctypes.data, ctypes.byref(plan)),
               "sfl_enet_plan_init", lambda: self._plan_problem(P))
        self._plan = plan
        ws_bytes = ctypes.c_size_t()
        _check(lib.sfl_enet_encode_workspace_size(ctypes.byref(self.params), plan, ctypes.byref(ws_bytes)),
               "sfl_enet_encode_workspace_size", self._params_text)
        self._ws_bytes = ws_bytes.value
        self._workspaces = []  # (buffer, sfl_workspace), one per thread, grown on demand
        self._call_lock = threading.Lock()

    def _params_text(self):
        p = self.params
        return "l1=%.9g l2=%.9g tol=%.9g max_iter=%d solver=%s lanes=%d positive=%d" % (
            p.l1, p.l2, p.tol, p.max_iter, self.solver, p.lanes, p.positive)

    def _plan_problem(self, original):
        where = _first_not_finite("P", self.P, original)
        if where:
            return where
        zero = np.flatnonzero(~np.any(self.P != 0, axis=0))
        if len(zero):
            return "column %d of P (an atom) is zero" % zero[0]
        return self._params_text()

    def _workspace(self, t):
        while len(self._workspaces) <= t:
            buf = _aligned_bytes(self._ws_bytes)
            self._workspaces.append((buf, _lib.Workspace(buf=buf.ctypes.data, size=self._ws_bytes)))
        return self._workspaces[t][1]

    def __call__(self, X, threads=1):
        """Codes A (n x K float32) and info (n records, INFO_DTYPE) of the rows of X (n x m)."""
        return self._encode(X, threads)

    def _encode(self, X, threads):
        """__call__; called by __call__ or encode(), so that a warning names their caller's line."""
        X32 = _float32_matrix("X", X, "(n, m): one signal per row")
        if X32.shape[1] != self.m:
            hint = ""
            if X32.shape[1] == self.K:
                hint = " (a K x m dictionary, as scikit-learn's sparse_encode takes, must be transposed: pass D.T)"
            raise ValueError("X has shape %s but P has shape %s: X needs m = %d columns%s" %
                             (X32.shape, self.P.shape, self.m, hint))
        try:
            threads = operator.index(threads)
        except TypeError:
            raise TypeError("threads must be an integer, got %r" % (threads,)) from None
        if threads < 1:
            raise ValueError("threads must be >= 1, got %d" % threads)
        n = X32.shape[0]
        A = np.zeros((n, self.K), dtype=np.float32)
        info = np.zeros(n, dtype=INFO_DTYPE).view(np.recarray)
        if n == 0:
            return A, info
        with self._call_lock:
            status = self._encode_rows(X32, A, info, min(threads, n))
        _check(status, "sfl_enet_encode",
               lambda: _first_not_finite("X", X32, X) or self._params_text())
        if status > 0:
            warnings.warn(_warning(status, info), stacklevel=3)
        return A, info

    encode = __call__

    def _encode_rows(self, X, A, info, T):
        """Thread t of T encodes its contiguous row range with its own workspace; returns the
        first error status, else the strongest warning (ROWS_FAILED over NOT_CONVERGED), else OK."""
        lib = _lib.lib()
        n = X.shape[0]
        statuses = [_lib.SFL_OK] * T
        failures = [None] * T
        workspaces = [self._workspace(t) for t in range(T)]

        def work(t):
            try:
                begin, end = _split_range(n, T, t)
                for b in range(begin, end, _ROWS_PER_CALL):
                    rows = min(end, b + _ROWS_PER_CALL) - b
                    st = lib.sfl_enet_encode(ctypes.byref(workspaces[t]), ctypes.byref(self.params), self._plan,
                                             self.P.ctypes.data, rows, X[b:].ctypes.data, A[b:].ctypes.data,
                                             info[b:].ctypes.data)
                    if st < 0:
                        statuses[t] = st
                        return
                    statuses[t] = max(statuses[t], st)
            except BaseException as e:  # re-raised on the calling thread
                failures[t] = e

        pool = [threading.Thread(target=work, args=(t,), name="sfl-encode-%d" % t) for t in range(1, T)]
        for th in pool:
            th.start()
        work(0)
        for th in pool:
            th.join()
        for e in failures:
            if e is not None:
                raise e
        errors = [s for s in statuses if s < 0]
        return errors[0] if errors else max(statuses)


def _warning(status, info):
    n = len(info)
    if status == _lib.SFL_WARN_ROWS_FAILED:
        failed = info.status < 0
        kinds = ", ".join(sorted({_lib.STATUS_NAMES.get(int(s), str(s)) for s in info.status[failed]}))
        text = "%d of %d signals failed (%s); info.status says which" % (failed.sum(), n, kinds)
    else:
        text = ("%d of %d signals hit the iteration bound (info.hit_iter_limit): their codes are the last "
                "iterate" % (info.hit_iter_limit.astype(bool).sum(), n))
    return SflWarning(status, "sfl.encode: %s: %s" % (_lib.STATUS_NAMES[status], text))


def encode(P, X, l1, l2, solver="lars", positive=False, threads=1, tol=1e-6, max_iter=0, lanes=True):
    """Elastic-net codes of the rows of X over the dictionary P (sfl_enet_encode).

        a_i = argmin_a 1/2 ||x_i - P a||^2 + l1 ||a||_1 + l2/2 ||a||^2   (a >= 0 if positive)

    P: (m, K), atoms are the columns (scikit-learn's sparse_encode takes the transpose,
    K x m: pass D.T). X: (n, m), one signal per row. Any real array-like; used as
    C-contiguous float32 (copied and converted where it is not).
    solver: "lars" (LARS-EN homotopy) or "cd" (coordinate descent, stops at tol: relative
    duality gap or KKT violation). max_iter: 0 = the library's default bound. lanes: LARS
    with K <= 32 solves several signals at a time across SIMD lanes (as sfl-encode does);
    False solves one at a time (the codes agree up to double rounding). threads: rows split
    into contiguous ranges, one Python thread and workspace each; the result is the same
    bit for bit for every thread count.

    Returns (A, info): A (n, K) float32; info a NumPy record array of n sfl_enet_info
    (fields status, iterations, support, hit_iter_limit, objective, gap, kkt; info.kkt or
    info["kkt"]). Raises sfl.Error (.status, .name) when the library refuses an argument
    (l1 < 0, a non-finite value, a zero atom, ...), ValueError/TypeError for arrays of the
    wrong shape or type. A warning status (signals that hit the bound or failed) does not
    raise: it is in info.status, and an sfl.SflWarning is issued."""
    return Encoder(P, l1, l2, solver=solver, positive=positive, tol=tol, max_iter=max_iter, lanes=lanes)._encode(
        X, threads)


def objective(P, X, A, l1, l2):
    """Per-row objective 1/2||x - P a||^2 + l1||a||_1 + l2/2||a||^2 of codes A, in float64
    (for comparing solvers: scikit-learn's solutions, sfl's info.objective)."""
    P, X, A = (np.asarray(v, dtype=np.float64) for v in (P, X, A))
    R = X - A @ P.T
    return 0.5 * np.einsum("ij,ij->i", R, R) + l1 * np.abs(A).sum(axis=1) + 0.5 * l2 * np.einsum("ij,ij->i", A, A)
