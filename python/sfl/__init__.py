"""sfl from Python: elastic-net sparse codes with libsfl's solvers (ctypes, NumPy in and out).

    import numpy as np, sfl
    A, info = sfl.encode(P, X, l1=0.1, l2=0.01, solver="lars")   # P (m, K), X (n, m)

solves, for each row x of X,

    a = argmin_a 1/2 ||x - P a||^2 + l1 ||a||_1 + l2/2 ||a||^2     (a >= 0 with positive=True)

Conventions: P is m x K with the atoms as its columns, as in the C API (scikit-learn's
sparse_encode takes the dictionary as K x m: pass D.T); X is n x m, one signal per row;
both are used as C-contiguous float32 (converted, or copied, where they are not).
A is n x K float32; info is a record array mirroring sfl_enet_info per row. scikit-learn's
ElasticNet(alpha, l1_ratio) on the same problem is l1 = m alpha l1_ratio,
l2 = m alpha (1 - l1_ratio) (it divides the data term by n_samples = m).

Errors: sfl.Error (.status, .name) for what the library refuses; ValueError / TypeError for
arrays of the wrong shape or type; sfl.LibraryError when libsfl cannot be found or loaded or
is not version 0.5. Warning statuses (signals that hit the iteration bound or failed on
their own) never raise: they are in info.status, and an sfl.SflWarning is issued (filter it
with the warnings module).

libsfl is found through $SFL_LIBRARY, then the library `cmake --install` put beside this
package, then ctypes.util.find_library("sfl"); sfl.library_path() tells which one is used.
"""
from ._encode import INFO_DTYPE, Encoder, Error, SflWarning, encode, objective, simd_arch, status_string, version
from ._lib import ABI_VERSION, STATUS_NAMES, LibraryError, library_path

__version__ = "%d.%d.0" % ABI_VERSION

__all__ = ["ABI_VERSION", "Encoder", "Error", "INFO_DTYPE", "LibraryError", "STATUS_NAMES", "SflWarning",
           "encode", "library_path", "objective", "simd_arch", "status_string", "version"]
