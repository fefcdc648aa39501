// Progress over the rows of an sfl-encode run.
#include "row_progress.hpp"

namespace sfl_encode {
namespace {

// auto: seconds before any progress shows.
constexpr double kQuietStart = 1.0;

} // namespace

RowProgress::RowProgress(ProgressWhen when, int64_t total, int64_t large, const char *verb, const char *noun)
    : when_(when),
      p_(sfl_cli::Progress::mode_for(when == ProgressWhen::never || (when == ProgressWhen::auto_ && total < large)),
         total),
      total_(total), verb_(verb), noun_(noun) {}

void RowProgress::add(int64_t k) {
    if (p_.mode() == sfl_cli::Progress::Mode::off) return;
    const int64_t done = done_.fetch_add(k) + k;
    // The last chunk waits for the lock, so the 100 % line is never skipped.
    std::unique_lock<std::mutex> lock(draw_, std::defer_lock);
    if (done == total_) lock.lock();
    else if (!lock.try_lock()) return;
    if (when_ == ProgressWhen::auto_ && !shown_ && p_.elapsed() < kQuietStart) return;
    draw(done_.load()); // not `done`: another thread may have drawn a later count meanwhile
}

void RowProgress::draw(int64_t done) {
    if (!p_.due(done)) return;
    const int pct = int(100.0 * double(done) / double(total_ > 0 ? total_ : 1));
    p_.show("sfl-encode: " + std::string(verb_) + " " + std::to_string(done) + "/" + std::to_string(total_) + " " +
            noun_ + " (" + std::to_string(pct) + "%) | " + p_.times(done));
    shown_ = true;
}

void RowProgress::finish() {
    const std::lock_guard<std::mutex> lock(draw_);
    if (shown_) sfl_cli::end_progress_line();
}

} // namespace sfl_encode
