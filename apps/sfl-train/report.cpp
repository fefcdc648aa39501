// Progress, table and JSON of sfl-train.
#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "json_string.hpp"
#include "sfl/sfl.h"

namespace sfl_train {
namespace {

std::string numf(float v) {
    char b[64];
    std::snprintf(b, sizeof b, "%.7g", double(v));
    return b;
}

std::string num(double v) {
    if (!std::isfinite(v)) return "null";
    char b[64];
    std::snprintf(b, sizeof b, "%.10g", v);
    return b;
}

// An epoch's numbers; the terminal's line is short (it must fit the width): lU only for
// the factorizing nets, no mu, no epoch seconds.
std::string stats_text(const sfl::nn::EpochStats &s, bool pretrain, bool terminal) {
    const double rate = s.seconds > 0 ? double(s.samples) / s.seconds : 0.0;
    char b[160];
    if (terminal) {
        char lu[40] = "";
        if (s.lu != 0.0 || s.mu > 0.0f) std::snprintf(lu, sizeof lu, " lU %.4f", s.lu);
        if (pretrain)
            std::snprintf(b, sizeof b, "%s %.0f img/s", lu + 1, rate);
        else
            std::snprintf(b, sizeof b, "loss %.4f acc %.2f%%%s %.0f img/s", s.ce, s.accuracy, lu, rate);
    } else if (pretrain) { // unlabelled images only: no CE, no accuracy
        std::snprintf(b, sizeof b, "lU %.4f mu %.2f %.0f img/s %.2f s", s.lu, double(s.mu), rate, s.seconds);
    } else {
        std::snprintf(b, sizeof b, "loss %.4f lU %.4f mu %.2f acc %.2f%% %.0f img/s %.2f s", s.ce, s.lu,
                      double(s.mu), s.accuracy, rate, s.seconds);
    }
    return b;
}

} // namespace

TrainProgress::TrainProgress(bool quiet, int64_t total_epochs, int64_t done_before)
    : p_(sfl_cli::Progress::mode_for(quiet), total_epochs, done_before), epochs_done_(done_before) {}

std::string TrainProgress::notes() const {
    const char *when = p_.mode() == sfl_cli::Progress::Mode::terminal ? " in this trial" : " since the last line";
    std::string n;
    if (not_converged_) n += " (" + std::to_string(not_converged_) + " layer calls hit max_iter" + when + ")";
    if (rows_failed_)
        n += " (" + std::to_string(rows_failed_) + " layer calls had failed rows: singular supports or values "
             "beyond float" + when + ")";
    return n;
}

void TrainProgress::step(const std::string &prefix, int64_t done, int64_t total, const sfl::nn::EpochStats &r,
                         bool pretrain) {
    if (p_.mode() != sfl_cli::Progress::Mode::terminal || done >= total || !p_.due(epochs_done_)) return;
    const int pct = int(100.0 * double(done) / double(total > 0 ? total : 1));
    p_.show(prefix + " " + std::to_string(pct) + "% | " + p_.times(epochs_done_) + " | " +
            stats_text(r, pretrain, true) + notes());
}

void TrainProgress::epoch_done(const std::string &prefix, const sfl::nn::EpochStats &s, int64_t epochs_done,
                               bool last_of_trial, bool pretrain) {
    epochs_done_ = epochs_done;
    not_converged_ += s.not_converged;
    rows_failed_ += s.rows_failed;
    if (!p_.due(epochs_done, last_of_trial && p_.mode() == sfl_cli::Progress::Mode::terminal)) return;
    if (p_.mode() == sfl_cli::Progress::Mode::terminal) {
        p_.show(prefix + " | " + p_.times(epochs_done) + " | " + stats_text(s, pretrain, true) + notes());
    } else {
        p_.show(prefix + " " + stats_text(s, pretrain, false) + ", " + p_.times(epochs_done) + notes());
        not_converged_ = rows_failed_ = 0;
    }
}

void TrainProgress::line(const std::string &text) { p_.line(text); }

void TrainProgress::new_trial() {
    if (p_.mode() == sfl_cli::Progress::Mode::terminal) not_converged_ = rows_failed_ = 0;
}

void TrainProgress::warning(const std::string &text) {
    sfl_cli::end_progress_line();
    std::fprintf(stderr, "sfl-train: %s\n", text.c_str());
    std::fflush(stderr);
}

Summary summarize(const std::vector<TrialResult> &r) {
    Summary s;
    if (r.empty()) return s;
    for (const auto &t : r) s.mean += t.accuracy;
    s.mean /= double(r.size());
    if (r.size() > 1) {
        double v = 0.0;
        for (const auto &t : r) v += (t.accuracy - s.mean) * (t.accuracy - s.mean);
        s.std = std::sqrt(v / double(r.size() - 1));
    }
    return s;
}

double mean_epoch_seconds(const std::vector<TrialResult> &r) {
    double s = 0.0;
    size_t n = 0;
    for (const auto &t : r)
        for (double v : t.epoch_seconds) s += v, ++n;
    return n ? s / double(n) : 0.0;
}

void print_table(const Options &o, const std::vector<TrialResult> &r, int64_t params, int64_t biases) {
    const Summary s = summarize(r);
    const char *set = o.validation ? "validation" : "test";
    std::printf("%-8s %-10s %7s %10s %9s %12s %10s %10s\n", "net", "train", "trials", "params", "biases",
                (std::string(set) + " acc %").c_str(), "std", "s/epoch");
    const std::string train = o.per_class ? std::to_string(o.per_class * 10) : std::string("full");
    std::printf("%-8s %-10s %7zu %10lld %9lld %12.2f %10.2f %10.3f\n", o.net.name.c_str(), train.c_str(), r.size(),
                static_cast<long long>(params), static_cast<long long>(biases), s.mean, s.std,
                mean_epoch_seconds(r));
    std::fflush(stdout);
}

std::string result_json(const Options &o, const std::vector<TrialResult> &r, int64_t params, int64_t biases,
                        int64_t eval_samples, int64_t pool_size) {
    const Summary s = summarize(r);
    const std::string set = o.validation ? "validation" : "test";
    std::ostringstream j;
    j << "{\n";
    j << "  \"program\": \"sfl-train\",\n  \"version\": " << sfl_cli::json_string(sfl_version_string()) << ",\n";
    j << "  \"net\": " << sfl_cli::json_string(o.net.name) << ",\n";
    j << "  \"per_class\": " << (o.per_class ? std::to_string(o.per_class) : std::string("null")) << ",\n";
    const int64_t labelled = r.empty() ? 0 : r[0].train_samples;
    j << "  \"train_samples\": " << labelled << ",\n";
    // The unlabelled images of a trial (the same count in every trial: main.cpp, unlabeled.hpp).
    const int64_t images = o.unlabeled > 0 ? o.unlabeled : o.unlabeled < 0 ? pool_size - labelled : 0;
    if (o.unlabeled) {
        const int64_t per_epoch = std::min(images, o.unlabeled_per_epoch ? int64_t(o.unlabeled_per_epoch) : labelled);
        j << "  \"unlabeled\": {\"requested\": "
          << (o.unlabeled > 0 ? std::to_string(o.unlabeled) : std::string("\"rest\"")) << ", \"images\": " << images
          << ", \"per_epoch\": " << per_epoch << "},\n";
    } else {
        j << "  \"unlabeled\": null,\n";
    }
    j << "  \"trials\": " << r.size() << ",\n  \"seed\": " << o.seed << ",\n  \"threads\": " << o.threads << ",\n";
    j << "  \"eval\": " << sfl_cli::json_string(set) << ",\n  \"eval_samples\": " << eval_samples << ",\n";
    j << "  \"" << set << "_accuracy\": " << num(s.mean) << ",\n";
    j << "  \"" << set << "_accuracy_std\": " << num(s.std) << ",\n";
    j << "  \"epoch_seconds\": " << num(mean_epoch_seconds(r)) << ",\n";
    j << "  \"params\": " << params << ",\n  \"biases\": " << biases << ",\n";
    j << "  \"hyper\": {\"epochs\": " << o.epochs << ", \"batch\": " << o.train.batch
      << ", \"lr\": " << numf(o.train.sgd.lr) << ", \"momentum\": " << numf(o.train.sgd.momentum)
      << ", \"weight_decay\": " << numf(o.train.sgd.weight_decay)
      << ", \"dict_lr_scale\": " << numf(o.train.sgd.dict_lr_scale) << ", \"csf_l1\": " << numf(o.net.csf.l1)
      << ", \"csf_l2\": " << numf(o.net.csf.l2) << ", \"sf_l1\": " << numf(o.net.sf.l1)
      << ", \"sf_l2\": " << numf(o.net.sf.l2) << ", \"solver\": \""
      << (o.net.csf.solver == SFL_ENET_CD ? "cd" : "lars") << "\", \"sf_lu_input\": "
      << numf(o.net.sf.lu_input_weight) << ", \"sf_input_norm\": " << numf(o.net.sf_input_norm)
      << ", \"csf_positive\": " << (o.net.csf.positive ? "true" : "false")
      << ", \"sf_positive\": " << (o.net.sf.positive ? "true" : "false")
      << ", \"mix\": \"" << (o.train.whole_loss_mix ? "whole" : "dictionary")
      << "\", \"mu\": [";
    for (size_t i = 0; i < o.train.mu_steps.size(); ++i) j << (i ? ", " : "") << numf(o.train.mu_steps[i]);
    // Pre-training: its epochs and the unlabelled images each draws (null without it).
    j << "], \"pretrain_epochs\": " << o.pretrain_epochs << ", \"pretrain_per_epoch\": "
      << (o.pretrain_epochs > 0
              ? std::to_string(o.pretrain_per_epoch ? std::min(images, int64_t(o.pretrain_per_epoch)) : images)
              : std::string("null"))
      << "},\n  \"per_trial\": [\n";
    for (size_t i = 0; i < r.size(); ++i) {
        const auto &t = r[i];
        double es = 0.0;
        for (double v : t.epoch_seconds) es += v;
        es = t.epoch_seconds.empty() ? 0.0 : es / double(t.epoch_seconds.size());
        j << "    {\"trial\": " << i << ", \"accuracy\": " << num(t.accuracy)
          << ", \"train_accuracy\": " << num(t.train_accuracy) << ", \"final_ce\": " << num(t.final_ce)
          << ", \"epochs\": " << t.epoch_seconds.size() << ", \"epoch_seconds\": " << num(es)
          << ", \"not_converged\": " << t.not_converged;
        if (o.pretrain_epochs > 0) { // the pre-training epochs' lU (no CE, no accuracy: no labels)
            double ps = 0.0;
            for (double v : t.pretrain_seconds) ps += v;
            j << ", \"pretrain_lu\": [";
            for (size_t k = 0; k < t.pretrain_lu.size(); ++k) j << (k ? ", " : "") << num(t.pretrain_lu[k]);
            j << "], \"pretrain_epoch_seconds\": "
              << num(t.pretrain_seconds.empty() ? 0.0 : ps / double(t.pretrain_seconds.size()));
        }
        j << ", \"rollbacks\": " << t.rollbacks.size() << ", \"rollback_log\": [";
        for (size_t k = 0; k < t.rollbacks.size(); ++k) {
            const Rollback &b = t.rollbacks[k];
            // With pre-training: epoch within its phase, and which phase (Rollback::epoch counts both).
            const bool pre = b.epoch <= o.pretrain_epochs;
            j << (k ? ", " : "") << "{\"epoch\": " << (pre ? b.epoch : b.epoch - o.pretrain_epochs);
            if (o.pretrain_epochs > 0) j << ", \"pretrain\": " << (pre ? "true" : "false");
            j << ", \"reason\": " << sfl_cli::json_string(b.reason) << ", \"lr\": " << numf(b.lr) << "}";
        }
        j << "]}" << (i + 1 < r.size() ? "," : "") << "\n";
    }
    j << "  ]\n}\n";
    return j.str();
}

} // namespace sfl_train
