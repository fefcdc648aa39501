// The one aggregation of per-row statuses (docs/design.md section 5). A batch call
// that got past its checks writes every row; each row has its own status (in its
// sfl_enet_info) and the call returns
//   SFL_WARN_ROWS_FAILED    if some row's own status is an error (SFL_ERR_SINGULAR,
//                           SFL_ERR_NOT_FINITE), or a sub-call returned this warning;
//   SFL_WARN_NOT_CONVERGED  else if some row (or sub-call) hit its iteration bound;
//   SFL_OK                  otherwise.
// A negative call status always means that nothing was written.
#pragma once

#include "sfl/sfl_status.h"

namespace sfl {

struct Outcome {
    sfl_status first_error = SFL_OK; // the first row error seen (row-level detail)
    bool failed = false;
    bool warned = false;

    // A row's own status, or the status a sub-call over some rows returned.
    void add(sfl_status st) {
        if (st < 0 && first_error == SFL_OK) first_error = st;
        if (st < 0 || st == SFL_WARN_ROWS_FAILED) failed = true;
        if (st == SFL_WARN_NOT_CONVERGED) warned = true;
    }

    // The status of the call that wrote the rows.
    sfl_status status() const {
        if (failed) return SFL_WARN_ROWS_FAILED;
        return warned ? SFL_WARN_NOT_CONVERGED : SFL_OK;
    }

    // The worst row status (an error wins over the warning): for kernels whose
    // caller wants the row-level code itself.
    sfl_status worst_row() const {
        if (first_error != SFL_OK) return first_error;
        return warned ? SFL_WARN_NOT_CONVERGED : SFL_OK;
    }
};

} // namespace sfl
