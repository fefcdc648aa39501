// One table of status texts (zstd error_private.c). SFL_STRIP_STATUS_STRINGS
// drops the texts for flash-constrained builds.
#include <cstring>

#include "sfl/sfl_status.h"

#ifdef SFL_STRIP_STATUS_STRINGS
#  define SFL_TEXT(s) ""
#else
#  define SFL_TEXT(s) s
#endif

extern "C" SFL_API const char *sfl_status_string(sfl_status status_in) {
    // Read as a plain int: callers may pass any value (loading an out-of-range
    // enum value in C++ is undefined).
    int status;
    static_assert(sizeof status == sizeof status_in, "enum size");
    std::memcpy(&status, &status_in, sizeof status);
    switch (status) {
    case SFL_OK: return SFL_TEXT("ok");
    case SFL_ERR_NULL_ARG: return SFL_TEXT("a required pointer argument is NULL");
    case SFL_ERR_BAD_DIMS: return SFL_TEXT("a dimension is out of range or inconsistent");
    case SFL_ERR_BAD_PARAM: return SFL_TEXT("a parameter is out of range");
    case SFL_ERR_BAD_PLAN: return SFL_TEXT("the plan is not an initialised sfl plan");
    case SFL_ERR_WORKSPACE_TOO_SMALL: return SFL_TEXT("the workspace is smaller than the size query requires");
    case SFL_ERR_MISALIGNED: return SFL_TEXT("the buffer is not aligned to SFL_WORKSPACE_ALIGN bytes");
    case SFL_ERR_NOT_FINITE: return SFL_TEXT("an input holds NaN or infinity");
    case SFL_ERR_SINGULAR: return SFL_TEXT("the Gram matrix of the active atoms is singular (duplicate or collinear atoms with l2 = 0)");
    case SFL_ERR_ZERO_ATOM: return SFL_TEXT("a dictionary column has zero norm");
    case SFL_ERR_UNSUPPORTED: return SFL_TEXT("not supported by this build");
    case SFL_ERR_MODEL_TRUNCATED: return SFL_TEXT("the model blob is truncated (shorter than its header or stated size)");
    case SFL_ERR_MODEL_MAGIC: return SFL_TEXT("not an sfl model blob (no SFLM magic)");
    case SFL_ERR_MODEL_ENDIAN: return SFL_TEXT("the model blob is big-endian or byte-swapped");
    case SFL_ERR_MODEL_VERSION: return SFL_TEXT("unsupported model blob format version");
    case SFL_ERR_MODEL_CRC: return SFL_TEXT("the model blob is corrupt (CRC-32 mismatch)");
    case SFL_ERR_MODEL_INVALID: return SFL_TEXT("the model blob's content is inconsistent (shapes, offsets or parameters)");
    case SFL_WARN_NOT_CONVERGED: return SFL_TEXT("iteration bound reached before convergence; output holds the last iterate");
    case SFL_WARN_ROWS_FAILED: return SFL_TEXT("some rows of the batch failed (see each row's status); every row was written");
    }
    return SFL_TEXT("unknown status");
}
