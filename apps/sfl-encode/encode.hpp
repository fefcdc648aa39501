// encode.hpp - threaded batch encoding: one plan, rows split over threads (sfl::parallel_for),
// one workspace per thread, sfl_enet_encode on each row range.
#pragma once

#include <cstddef>
#include <vector>

#include "row_progress.hpp"
#include "sfl/sfl.hpp"

namespace sfl_encode {

struct EncodeResult {
    std::vector<float> A;            // n x K codes
    std::vector<sfl_enet_info> info; // n diagnostics
    unsigned threads = 0;            // threads actually used
    double seconds = 0.0;            // wall clock of the encode (threads started .. joined)
};

/** Encode the n x m signals X over the plan's dictionary P (m x K) with `threads`
 *  threads (at most n), each over its rows in chunks that it counts in `progress`. Throws sfl::Error if a call fails as a whole (bad argument,
 *  workspace, ...). Per-signal failures (e.g. SFL_ERR_SINGULAR) are left in info[i].status. */
EncodeResult encode_rows(const sfl::EnetPlan &plan, const sfl_enet_params &params, const float *P, const float *X,
                         size_t n, unsigned threads, RowProgress &progress);

} // namespace sfl_encode
