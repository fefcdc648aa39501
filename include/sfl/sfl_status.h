/* sfl_status.h - status codes returned by every sfl C function.
 *
 * Negative values are errors: the call wrote none of its outputs. Zero is
 * success. Positive values are warnings: the call completed and wrote all of
 * its outputs, but see the code. A batch call (many signals, samples or
 * patches) whose individual rows fail - a row's own status, in its
 * sfl_enet_info, is SFL_ERR_SINGULAR or SFL_ERR_NOT_FINITE - still writes
 * every row and returns SFL_WARN_ROWS_FAILED (docs/design.md section 5).
 * The numeric values are pinned forever: new codes only take unused values.
 * The enum is 32 bits wide on every ABI, -fshort-enums included (the sentinel
 * SFL_STATUS_FORCE_32BIT pins it; it is never returned).
 */
#ifndef SFL_STATUS_H
#define SFL_STATUS_H

#include "sfl_export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sfl_status {
    SFL_OK = 0,

    /* -1 .. -9: arguments */
    SFL_ERR_NULL_ARG = -1,    /**< a required pointer argument was NULL */
    SFL_ERR_BAD_DIMS = -2,    /**< a dimension was <= 0, too large, or inconsistent */
    SFL_ERR_BAD_PARAM = -3,   /**< a parameter was out of range (l1 < 0, l2 < 0, NaN, ...) */
    SFL_ERR_BAD_PLAN = -4,    /**< the plan pointer does not point to an initialised plan */

    /* -10 .. -19: memory */
    SFL_ERR_WORKSPACE_TOO_SMALL = -10, /**< the caller's buffer is smaller than the size query says */
    SFL_ERR_MISALIGNED = -11,          /**< the caller's buffer is not SFL_WORKSPACE_ALIGN aligned */

    /* -20 .. -29: numerics */
    SFL_ERR_NOT_FINITE = -20, /**< an input held NaN or +-Inf */
    SFL_ERR_SINGULAR = -21,   /**< a Gram sub-matrix G[L,L] was numerically singular (duplicate or
                                   collinear atoms with l2 = 0) */
    SFL_ERR_ZERO_ATOM = -22,  /**< a dictionary column has zero norm */

    /* -30: capability */
    SFL_ERR_UNSUPPORTED = -30, /**< the operation or option is not supported by this build */

    /* -40 .. -49: model blobs (sfl_model.h, docs/model-format.md) */
    SFL_ERR_MODEL_TRUNCATED = -40, /**< the buffer is shorter than the blob's header or its stated size */
    SFL_ERR_MODEL_MAGIC = -41,     /**< the buffer does not start with the "SFLM" magic: not a model */
    SFL_ERR_MODEL_ENDIAN = -42,    /**< the blob was written big-endian (or byte-swapped) */
    SFL_ERR_MODEL_VERSION = -43,   /**< the blob's format major version is not one this library reads */
    SFL_ERR_MODEL_CRC = -44,       /**< a CRC-32 (header or payload) does not match: the blob is corrupt */
    SFL_ERR_MODEL_INVALID = -45,   /**< the CRCs match but the content is inconsistent (shapes, offsets,
                                        kinds, parameters); a writer bug or a forged blob */

    /* positive: warnings (every output written) */
    SFL_WARN_NOT_CONVERGED = 1, /**< an iteration bound was hit; outputs hold the last iterate */
    SFL_WARN_ROWS_FAILED = 2,   /**< some rows of a batch failed on their own (their status in
                                     sfl_enet_info says why: SFL_ERR_SINGULAR, SFL_ERR_NOT_FINITE);
                                     every row was written, see each function for what a failed
                                     row holds; takes precedence over SFL_WARN_NOT_CONVERGED */

    SFL_STATUS_FORCE_32BIT = 0x7FFFFFFF /**< not a status: keeps the enum 32 bits wide */
} sfl_status;

/** Human-readable text for a status. Never returns NULL: out-of-range values
 *  give "unknown status". With SFL_STRIP_STATUS_STRINGS defined at library
 *  build time every status gives "" (saves flash on Cortex-M). */
SFL_API const char *sfl_status_string(sfl_status status);

#ifdef __cplusplus
}
#endif

#endif /* SFL_STATUS_H */
