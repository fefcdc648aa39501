// Code-sparsity histograms drawn as SVG rectangles and text.
#include "svg_hist.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "sfl/model.hpp"

namespace sfl_figures {
namespace {

constexpr int kExactBins = 50; // up to this K, one bar per nonzero count
constexpr int kBins = 25;
constexpr double kPanelW = 560, kPanelH = 270, kLeft = 60, kRight = 20, kTop = 44, kBottom = 46;

std::string f(const char *fmt, double v) {
    char b[64];
    std::snprintf(b, sizeof b, fmt, v);
    return b;
}

std::string esc(const std::string &s) {
    std::string o;
    for (char c : s) {
        if (c == '&') o += "&amp;";
        else if (c == '<') o += "&lt;";
        else if (c == '>') o += "&gt;";
        else o += c;
    }
    return o;
}

/** A round step for about 5 ticks up to v. */
double tick_step(double v) {
    const double raw = v / 5.0, p = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * p >= raw) return m * p;
    return 10.0 * p;
}

} // namespace

Histogram sparsity_histogram(const LayerCodes &c) {
    Histogram h;
    const size_t n = c.nnz.size();
    if (n == 0 || c.K < 1) return h;
    double sum = 0.0, zero = 0.0, top = 0.0;
    for (int32_t z : c.nnz) {
        const double fr = double(z) / double(c.K);
        sum += fr, zero += z == 0, top = std::max(top, fr);
    }
    h.mean_fraction = sum / double(n);
    h.zero_percent = 100.0 * zero / double(n);
    if (c.K <= kExactBins) {
        h.percent.assign(size_t(c.K) + 1, 0.0);
        for (int32_t z : c.nnz) h.percent[size_t(z)] += 1.0;
    } else {
        for (double m : {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0})
            if (top <= m) {
                h.x_max = m;
                break;
            }
        h.percent.assign(kBins, 0.0);
        for (int32_t z : c.nnz) {
            const double fr = double(z) / double(c.K);
            // + 1e-9: a fraction on a bin edge lands in the upper bin despite rounding (0.02 / 0.1 * 25)
            const int b = std::min(kBins - 1, int(std::floor(fr / h.x_max * kBins + 1e-9)));
            h.percent[size_t(b)] += 1.0;
        }
    }
    for (double &p : h.percent) p *= 100.0 / double(n);
    return h;
}

std::string sparsity_svg(const std::vector<LayerCodes> &layers, int32_t images, const std::string &model_name) {
    const double W = kPanelW, H = kPanelH * double(layers.size()) + 30;
    std::ostringstream s;
    s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H << "\" viewBox=\"0 0 " << W
      << " " << H << "\" font-family=\"sans-serif\" font-size=\"11\">\n";
    s << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    s << "<text x=\"" << W / 2 << "\" y=\"18\" text-anchor=\"middle\" font-size=\"12\">Code sparsity on " << images
      << " images: " << esc(model_name) << "</text>\n";
    for (size_t li = 0; li < layers.size(); ++li) {
        const LayerCodes &c = layers[li];
        const Histogram h = sparsity_histogram(c);
        const double y0 = 30 + kPanelH * double(li); // panel top
        const double px = kLeft, pw = W - kLeft - kRight, py = y0 + kTop, ph = kPanelH - kTop - kBottom;
        const double ymax_data = h.percent.empty() ? 1.0 : *std::max_element(h.percent.begin(), h.percent.end());
        const double ystep = tick_step(std::max(ymax_data, 1e-9));
        const double ymax = std::ceil(ymax_data / ystep) * ystep;
        s << "<text x=\"" << W / 2 << "\" y=\"" << y0 + 22 << "\" text-anchor=\"middle\">layer " << c.paper_layer
          << " " << sfl::model_kind_name(c.kind) << ", K = " << c.K << ": " << c.nnz.size()
          << " codes, mean nonzero fraction " << f("%.4f", h.mean_fraction) << ", all-zero "
          << f("%.2f", h.zero_percent) << " %</text>\n";
        // Bars: exact counts are centred on z/K; bins fill their interval.
        const size_t nb = h.percent.size();
        const bool exact = c.K <= kExactBins;
        const double xw = pw / (exact ? double(nb) : double(kBins));
        for (size_t b = 0; b < nb; ++b) {
            const double bh = ymax > 0 ? h.percent[b] / ymax * ph : 0.0;
            s << "<rect x=\"" << f("%.2f", px + double(b) * xw + 0.5) << "\" y=\"" << f("%.2f", py + ph - bh)
              << "\" width=\"" << f("%.2f", std::max(xw - 1.0, 0.5)) << "\" height=\"" << f("%.2f", bh)
              << "\" fill=\"#4477aa\"><title>" << f("%.3f", h.percent[b]) << " %</title></rect>\n";
        }
        // Axes, ticks, labels.
        s << "<path d=\"M" << px << " " << py << " V" << py + ph << " H" << px + pw
          << "\" stroke=\"black\" fill=\"none\"/>\n";
        for (double v = 0; v <= ymax + 1e-9; v += ystep) {
            const double y = py + ph - v / ymax * ph;
            s << "<line x1=\"" << px - 4 << "\" y1=\"" << f("%.2f", y) << "\" x2=\"" << px << "\" y2=\"" << f("%.2f", y)
              << "\" stroke=\"black\"/><text x=\"" << px - 6 << "\" y=\"" << f("%.2f", y + 4)
              << "\" text-anchor=\"end\">" << f("%g", v) << "</text>\n";
        }
        for (int t = 0; t <= 4; ++t) {
            const double fr = h.x_max * t / 4.0;
            // exact bins: fraction z/K sits at the centre of bar z
            const double x = exact ? px + (fr * c.K + 0.5) * xw : px + fr / h.x_max * pw;
            s << "<line x1=\"" << f("%.2f", x) << "\" y1=\"" << py + ph << "\" x2=\"" << f("%.2f", x) << "\" y2=\""
              << py + ph + 4 << "\" stroke=\"black\"/><text x=\"" << f("%.2f", x) << "\" y=\"" << py + ph + 16
              << "\" text-anchor=\"middle\">" << f("%g", fr) << "</text>\n";
        }
        s << "<text x=\"" << px + pw / 2 << "\" y=\"" << py + ph + 34
          << "\" text-anchor=\"middle\">fraction of nonzero coefficients per code</text>\n";
        s << "<text transform=\"translate(" << px - 40 << " " << py + ph / 2
          << ") rotate(-90)\" text-anchor=\"middle\">% of codes</text>\n";
    }
    s << "</svg>\n";
    return s.str();
}

} // namespace sfl_figures
