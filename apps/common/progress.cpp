// Progress lines on stderr: redrawn on a terminal, about ten lines a run elsewhere.
#include "progress.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sys/ioctl.h>
#include <unistd.h>

namespace sfl_cli {
namespace {

double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool g_line_open = false; // one progress line per process (stderr)

// Columns of the terminal on stderr (80 if it does not tell): a longer line would wrap,
// and the next '\r' would redraw only its last row.
size_t terminal_columns() {
    winsize w{};
    if (ioctl(2, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
    return 80;
}

} // namespace

std::string clock_text(double seconds) {
    if (!(seconds >= 0.0) || !std::isfinite(seconds)) return "?";
    const long s = std::lround(seconds);
    char b[48];
    if (s < 3600)
        std::snprintf(b, sizeof b, "%ld:%02ld", s / 60, s % 60);
    else
        std::snprintf(b, sizeof b, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    return b;
}

bool progress_line_open() { return g_line_open; }

void end_progress_line() {
    if (!g_line_open) return;
    std::fputc('\n', stderr);
    std::fflush(stderr);
    g_line_open = false;
}

Progress::Mode Progress::mode_for(bool quiet) {
    if (quiet) return Mode::off;
    return isatty(2) ? Mode::terminal : Mode::lines;
}

Progress::Progress(Mode mode, int64_t total, int64_t done_before)
    : mode_(mode), total_(total > 0 ? total : 1), before_(done_before), start_(now()),
      // A resumed run's earlier tenths earned their lines in the earlier process.
      last_tenth_(tenths(done_before)) {}

int Progress::tenths(int64_t done) const { return int(std::min<int64_t>(10, done * 10 / total_)); }

bool Progress::due(int64_t done, bool force) {
    switch (mode_) {
    case Mode::off: return false;
    case Mode::terminal: {
        const double t = now();
        if (!force && done < total_ && t - last_draw_ < 0.1) return false;
        last_draw_ = t;
        return true;
    }
    case Mode::lines: {
        const int t = tenths(done);
        if (t <= last_tenth_) return false;
        last_tenth_ = t;
        return true;
    }
    }
    return false;
}

double Progress::elapsed() const { return now() - start_; }

double Progress::left(int64_t done) const {
    const int64_t here = done - before_;
    if (here <= 0) return -1.0;
    return elapsed() / double(here) * double(total_ - done);
}

std::string Progress::times(int64_t done) const {
    const double l = left(done);
    return "elapsed " + clock_text(elapsed()) +
           (l < 0.0 ? std::string(", time left unknown") : ", ~" + clock_text(l) + " left");
}

void Progress::show(const std::string &text) {
    if (mode_ == Mode::off) return;
    if (mode_ == Mode::terminal) {
        const std::string fit = text.substr(0, terminal_columns() - 1);
        std::fprintf(stderr, "\r%s\x1b[K", fit.c_str()); // \x1b[K: clear what a longer line left
        g_line_open = true;
    } else {
        std::fprintf(stderr, "%s\n", text.c_str());
    }
    std::fflush(stderr);
}

void Progress::line(const std::string &text) {
    if (mode_ == Mode::off) return;
    end_progress_line();
    std::fprintf(stderr, "%s\n", text.c_str());
    std::fflush(stderr);
}

} // namespace sfl_cli
