// row_progress.hpp - sfl-encode's progress over the rows (signals or samples) of a run,
// reported from the worker threads (sfl_cli::Progress, progress.hpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "progress.hpp"

namespace sfl_encode {

/** When sfl-encode shows progress (--progress / --no-progress, default auto). */
enum class ProgressWhen { auto_, always, never };

/** Rows done of a run, counted by the worker threads as they finish chunks. The first
 *  thread to find the counter free draws (the others do not wait for it). With auto,
 *  progress shows only for a large input (at least `large` rows), and only once the run
 *  has taken a second: a small input never prints progress, however slow the machine
 *  (an emulator, a sanitizer), so its stderr holds only warnings and errors. */
class RowProgress {
public:
    /** total rows; noun: "signals" or "samples"; verb: "encoded" or "ran"; large: the
     *  rows from which auto shows progress. */
    RowProgress(ProgressWhen when, int64_t total, int64_t large, const char *verb, const char *noun);
    /** k more rows are done (any thread). */
    void add(int64_t k);
    /** The run is over (the threads joined): ends an open terminal line. */
    void finish();

private:
    void draw(int64_t done);
    ProgressWhen when_;
    sfl_cli::Progress p_;
    int64_t total_;
    const char *verb_, *noun_;
    std::atomic<int64_t> done_{0};
    std::mutex draw_;
    bool shown_ = false; // anything drawn yet (guarded by draw_)
};

} // namespace sfl_encode
