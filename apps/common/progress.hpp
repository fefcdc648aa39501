// progress.hpp - progress of a long job on stderr, shared by the command-line programs
// (README.md, "Command-line conventions"):
//   terminal (stderr is a TTY)  one line redrawn in place, at most 10 times a second;
//   anything else (a log, CI)   a line each time the job passes another tenth of its total,
//                               so a run of any length writes about ten lines.
#pragma once

#include <cstdint>
#include <string>

namespace sfl_cli {

/** "m:ss" below an hour, "h:mm:ss" above; "?" for a negative or non-finite time. */
std::string clock_text(double seconds);

/** True while a progress line is drawn on the terminal without its line ended: an error
 *  message must then start on a new line (run_main, cli_main.hpp, ends it). */
bool progress_line_open();

/** End an open progress line (a newline on stderr); nothing if none is open. */
void end_progress_line();

class Progress {
public:
    enum class Mode { off, terminal, lines };

    /** off when quiet, terminal when stderr is a TTY, else lines. */
    static Mode mode_for(bool quiet);

    /** A job of `total` units of which `done_before` were done by an earlier process
     *  (a resumed run): the rate, hence the time left, counts only this process's units. */
    Progress(Mode mode, int64_t total, int64_t done_before = 0);

    Mode mode() const { return mode_; }

    /** Whether to report now that `done` units are done: terminal, at most every 0.1 s
     *  (always at the end, and when forced: a trial's last epoch); lines, when done passes
     *  the next tenth of the total. */
    bool due(int64_t done, bool force = false);

    /** Seconds since the constructor. */
    double elapsed() const;

    /** Estimated seconds left at `done` units (this process's rate); -1 before any unit. */
    double left(int64_t done) const;

    /** "elapsed 1:02, ~3:10 left" at `done` units ("time left unknown" before any). */
    std::string times(int64_t done) const;

    /** Show text: on the terminal it replaces the line drawn before (left open; cut to
     *  the terminal's width, so put what matters first);
     *  with lines, one line. Nothing when off. */
    void show(const std::string &text);

    /** A line of its own (the open progress line ended first); nothing when off. */
    void line(const std::string &text);

private:
    Mode mode_;
    int64_t total_, before_;
    double start_, last_draw_ = -1.0;
    int last_tenth_; // lines: the tenths of the total passed at the last line (0 .. 10)
    int tenths(int64_t done) const; // whole tenths of the total in done
};

} // namespace sfl_cli
