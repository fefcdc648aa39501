"""Finding, loading and declaring libsfl (ctypes). Internal: use the names sfl exports.

Lookup order (the first that names a file wins; a named library that cannot be
loaded is an error, not a reason to try the next):
  1. the environment variable SFL_LIBRARY (a path to libsfl.so*);
  2. the library `cmake --install` put beside this package: _install.py, written
     by the install, records it relative to the package (so the installed tree can
     be moved) and as an absolute path;
  3. ctypes.util.find_library("sfl") (the dynamic loader's search: ldconfig's cache,
     LD_LIBRARY_PATH).
The library must be version 0.5.x: the structs below are 0.5's layout.
"""
import ctypes
import ctypes.util
import os
import threading

# The library's minor version whose struct layout this package declares (0.x: each minor
# may change the ABI, docs/c-api.md "Version").
ABI_VERSION = (0, 5)

# sfl_status values (sfl_status.h; pinned forever) and their names.
STATUS_NAMES = {
    0: "SFL_OK",
    -1: "SFL_ERR_NULL_ARG",
    -2: "SFL_ERR_BAD_DIMS",
    -3: "SFL_ERR_BAD_PARAM",
    -4: "SFL_ERR_BAD_PLAN",
    -10: "SFL_ERR_WORKSPACE_TOO_SMALL",
    -11: "SFL_ERR_MISALIGNED",
    -20: "SFL_ERR_NOT_FINITE",
    -21: "SFL_ERR_SINGULAR",
    -22: "SFL_ERR_ZERO_ATOM",
    -30: "SFL_ERR_UNSUPPORTED",
    -40: "SFL_ERR_MODEL_TRUNCATED",
    -41: "SFL_ERR_MODEL_MAGIC",
    -42: "SFL_ERR_MODEL_ENDIAN",
    -43: "SFL_ERR_MODEL_VERSION",
    -44: "SFL_ERR_MODEL_CRC",
    -45: "SFL_ERR_MODEL_INVALID",
    1: "SFL_WARN_NOT_CONVERGED",
    2: "SFL_WARN_ROWS_FAILED",
}
globals().update({name: code for code, name in STATUS_NAMES.items()})

WORKSPACE_ALIGN = 64  # SFL_WORKSPACE_ALIGN (sfl_types.h)
MAX_DIM = 16384  # SFL_ENET_MAX_DIM (sfl_enet.h)
LARS, CD = 0, 1  # sfl_enet_solver


class LibraryError(OSError):
    """libsfl was not found, could not be loaded, or is not a version this package can use."""


class EnetParams(ctypes.Structure):
    """sfl_enet_params (0.5)."""
    _fields_ = [("l1", ctypes.c_float), ("l2", ctypes.c_float), ("tol", ctypes.c_float),
                ("max_iter", ctypes.c_int32), ("solver", ctypes.c_int32), ("lanes", ctypes.c_int32),
                ("positive", ctypes.c_int32)]


class EnetDims(ctypes.Structure):
    """sfl_enet_dims."""
    _fields_ = [("m", ctypes.c_int32), ("K", ctypes.c_int32)]


class Workspace(ctypes.Structure):
    """sfl_workspace."""
    _fields_ = [("buf", ctypes.c_void_p), ("size", ctypes.c_size_t)]


class EnetInfo(ctypes.Structure):
    """sfl_enet_info; encode() hands the C library a NumPy structured array of this layout."""
    _fields_ = [("status", ctypes.c_int32), ("iterations", ctypes.c_int32), ("support", ctypes.c_int32),
                ("hit_iter_limit", ctypes.c_int32), ("objective", ctypes.c_float), ("gap", ctypes.c_float),
                ("kkt", ctypes.c_float)]


_P, _S = ctypes.POINTER, ctypes.c_size_t
_status = ctypes.c_int32  # sfl_status is 32 bits wide on every ABI
# name: (restype, argtypes); data pointers are c_void_p (NumPy arrays pass their address).
_PROTOTYPES = {
    "sfl_version": (ctypes.c_uint, []),
    "sfl_version_string": (ctypes.c_char_p, []),
    "sfl_simd_arch": (ctypes.c_char_p, []),
    "sfl_status_string": (ctypes.c_char_p, [_status]),
    "sfl_enet_plan_size": (_status, [_P(EnetDims), _P(_S)]),
    "sfl_enet_plan_init": (_status, [ctypes.c_void_p, _S, _P(EnetParams), _P(EnetDims), ctypes.c_void_p,
                                     _P(ctypes.c_void_p)]),
    "sfl_enet_encode_workspace_size": (_status, [_P(EnetParams), ctypes.c_void_p, _P(_S)]),
    "sfl_enet_encode": (_status, [_P(Workspace), _P(EnetParams), ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int32,
                                  ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]),
}

_lock = threading.Lock()
_loaded = None  # (CDLL, path) once loaded


def _installed_candidates():
    """The library recorded by `cmake --install` in _install.py (absent in the source tree)."""
    try:
        from . import _install
    except ImportError:
        return []
    here = os.path.dirname(os.path.abspath(__file__))
    return [os.path.normpath(os.path.join(here, _install.LIBRARY_RELATIVE)), _install.LIBRARY_ABSOLUTE]


def find_library():
    """(path, how) of the library the lookup order picks; raises LibraryError if none."""
    env = os.environ.get("SFL_LIBRARY")
    if env:
        return env, "SFL_LIBRARY"
    installed = _installed_candidates()
    for path in installed:
        if os.path.exists(path):
            return path, "installed beside the package"
    name = ctypes.util.find_library("sfl")
    if name:
        return name, 'ctypes.util.find_library("sfl")'
    tried = ["$SFL_LIBRARY (not set)"]
    tried += installed or ["no library recorded by cmake --install (_install.py absent: a source tree)"]
    tried.append('ctypes.util.find_library("sfl") (nothing)')
    raise LibraryError("libsfl not found; tried: %s. Set SFL_LIBRARY=/path/to/libsfl.so, or install sfl "
                       "(cmake --install) with SFL_BUILD_SHARED=ON" % "; ".join(tried))


def _declare(lib):
    for name, (restype, argtypes) in _PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = restype, argtypes


def load(path=None):
    """Load libsfl (path, or the lookup order), check its version, declare its functions.

    Returns (lib, path). Raises LibraryError with what was tried or what is wrong."""
    how = "given"
    if path is None:
        path, how = find_library()
    try:
        lib = ctypes.CDLL(path)  # CDLL: the GIL is released during every call
    except OSError as e:
        raise LibraryError("cannot load libsfl %r (%s): %s" % (path, how, e)) from None
    try:
        _declare(lib)
    except AttributeError as e:
        raise LibraryError("%r (%s) is not libsfl: %s" % (path, how, e)) from None
    number = lib.sfl_version()
    got = (number // 10000, number // 100 % 100)
    if got != ABI_VERSION:
        raise LibraryError("libsfl %r (%s) is version %s; this package declares the structs of %d.%d.x "
                           "and needs a library of that version" %
                           (path, how, lib.sfl_version_string().decode(), *ABI_VERSION))
    return lib, path


def lib():
    """The loaded library (loaded on first use)."""
    global _loaded
    with _lock:
        if _loaded is None:
            _loaded = load()
        return _loaded[0]


def library_path():
    """Path (or loader name) of the libsfl in use; loads it if needed."""
    lib()
    return _loaded[1]


def reset():
    """Forget the loaded library: the next call looks it up again (tests)."""
    global _loaded
    with _lock:
        _loaded = None
