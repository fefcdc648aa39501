// Checkpoint and model files of sfl-train, on top of sfl::ckpt.
#include "run_state.hpp"

#include <sstream>
#include <stdexcept>

#include "sfl/checkpoint.hpp"

namespace sfl_train {
namespace {

// A trial result as one line: accuracy train_accuracy final_ce samples not_converged n s1 .. sn
std::string encode(const TrialResult &r) {
    std::ostringstream s;
    s.precision(17);
    s << r.accuracy << ' ' << r.train_accuracy << ' ' << r.final_ce << ' ' << r.train_samples << ' '
      << r.not_converged << ' ' << r.epoch_seconds.size();
    for (double v : r.epoch_seconds) s << ' ' << v;
    return s.str();
}

TrialResult decode(const std::string &line) {
    std::istringstream s(line);
    TrialResult r;
    size_t n = 0;
    s >> r.accuracy >> r.train_accuracy >> r.final_ce >> r.train_samples >> r.not_converged >> n;
    if (!s || n > 1000000) throw std::runtime_error("malformed trial record '" + line + "'");
    r.epoch_seconds.resize(n);
    for (auto &v : r.epoch_seconds) s >> v;
    if (!s) throw std::runtime_error("malformed trial record '" + line + "'");
    return r;
}

int32_t to_int(const std::string &v, const std::string &what) {
    try {
        size_t pos = 0;
        const long x = std::stol(v, &pos);
        if (pos != v.size() || x < 0 || x > 100000000) throw std::invalid_argument(v);
        return int32_t(x);
    } catch (const std::exception &) {
        throw std::runtime_error("checkpoint: bad " + what + " '" + v + "'");
    }
}

void add_params(sfl::ckpt::Checkpoint &c, const sfl::nn::Sequential &net, const std::string &prefix) {
    for (const sfl::nn::Param *p : net.params()) c.add(prefix + p->name, p->shape, p->value.data());
}

} // namespace

void save_state(const std::string &path, const std::string &fingerprint, const RunState &st,
                const sfl::nn::Sequential *net, sfl::nn::Sgd *sgd) {
    sfl::ckpt::Checkpoint c;
    c.set("kind", "sfl-train checkpoint");
    c.set("fingerprint", fingerprint);
    c.set("trial", std::to_string(st.trial));
    c.set("epoch", std::to_string(st.epoch));
    c.set("trials_done", std::to_string(st.done.size()));
    for (size_t i = 0; i < st.done.size(); ++i) c.set("result." + std::to_string(i), encode(st.done[i]));
    c.set("current", encode(st.current));
    if (net && sgd) {
        add_params(c, *net, "param/");
        const auto params = net->params();
        for (size_t k = 0; k < params.size(); ++k)
            c.add("velocity/" + params[k]->name, params[k]->shape, sgd->velocity()[k].data());
    }
    sfl::ckpt::save(path, c);
}

RunState load_state(const std::string &path, const std::string &fingerprint) {
    const sfl::ckpt::Checkpoint c = sfl::ckpt::load(path);
    const std::string *kind = c.get("kind");
    if (!kind || *kind != "sfl-train checkpoint") throw std::runtime_error(path + ": not an sfl-train checkpoint");
    const std::string &fp = c.require("fingerprint");
    if (fp != fingerprint) {
        // Name the first differing setting.
        std::istringstream a(fp), b(fingerprint);
        std::string x, y;
        for (;;) {
            const bool more_a = bool(a >> x), more_b = bool(b >> y);
            if (!more_a) x = "(nothing)";
            if (!more_b) y = "(nothing)";
            if (!more_a || !more_b || x != y) break;
        }
        throw std::runtime_error(path + ": written with other settings (checkpoint '" + x + "', now '" + y +
                                 "'); use another --out or the same flags");
    }
    RunState st;
    st.trial = to_int(c.require("trial"), "trial");
    st.epoch = to_int(c.require("epoch"), "epoch");
    const int32_t n = to_int(c.require("trials_done"), "trials_done");
    for (int32_t i = 0; i < n; ++i) st.done.push_back(decode(c.require("result." + std::to_string(i))));
    st.current = decode(c.require("current"));
    return st;
}

void restore_weights(const std::string &path, sfl::nn::Sequential &net, sfl::nn::Sgd &sgd) {
    const sfl::ckpt::Checkpoint c = sfl::ckpt::load(path);
    const auto params = net.params();
    for (size_t k = 0; k < params.size(); ++k) {
        sfl::nn::Param &p = *params[k];
        const auto &w = c.require_tensor("param/" + p.name, p.shape);
        const auto &v = c.require_tensor("velocity/" + p.name, p.shape);
        std::copy(w.data.begin(), w.data.end(), p.value.data());
        std::copy(v.data.begin(), v.data.end(), sgd.velocity()[k].data());
    }
    net.after_update();
}

void save_model(const std::string &path, const std::string &fingerprint, const std::string &net_name,
                const sfl::nn::Sequential &net, int32_t classes) {
    sfl::ckpt::Checkpoint c;
    c.set("kind", "sfl model");
    c.set("net", net_name);
    c.set("input", net.in_shape().str());
    c.set("classes", std::to_string(classes));
    c.set("trained_with", fingerprint);
    std::string layers;
    for (const auto &l : net.layers()) layers += l->describe() + "\n";
    c.set("layers", layers);
    add_params(c, net, "");
    sfl::ckpt::save(path, c);
}

} // namespace sfl_train
