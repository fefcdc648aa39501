// Checkpoint and model files of sfl-train, on top of sfl::ckpt.
#include "run_state.hpp"

#include <cstdio>
#include <sstream>
#include <stdexcept>

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

// A trial's rollbacks, one line each: epoch lr reason (the reason is the rest of the line).
// Stored under their own meta key ("<record>.rollbacks", only when there are some), so that
// the trial records keep their format and older checkpoints still load.
std::string encode_rollbacks(const std::vector<Rollback> &rs) {
    std::string s;
    for (const Rollback &r : rs) {
        char lr[32];
        std::snprintf(lr, sizeof lr, "%.9g", double(r.lr)); // a float, round-trip
        std::string reason = r.reason;
        for (char &ch : reason)
            if (ch == '\n' || ch == '\r') ch = ' ';
        s += std::to_string(r.epoch) + " " + lr + " " + reason + "\n";
    }
    return s;
}

std::vector<Rollback> decode_rollbacks(const std::string &s) {
    std::vector<Rollback> rs;
    std::istringstream in(s);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream l(line);
        Rollback r;
        l >> r.epoch >> r.lr;
        if (!l || r.epoch < 1 || !(r.lr > 0.0f)) throw std::runtime_error("malformed rollback record '" + line + "'");
        std::getline(l >> std::ws, r.reason);
        rs.push_back(r);
    }
    return rs;
}

// A trial's pre-training epochs (--pretrain-epochs), one line each: lU seconds. Under their
// own meta key ("<record>.pretrain", only when there are some), like the rollbacks.
std::string encode_pretrain(const TrialResult &r) {
    std::ostringstream s;
    s.precision(17);
    for (size_t i = 0; i < r.pretrain_lu.size(); ++i) s << r.pretrain_lu[i] << ' ' << r.pretrain_seconds[i] << '\n';
    return s.str();
}

void decode_pretrain(const std::string &s, TrialResult &r) {
    std::istringstream in(s);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream l(line);
        double lu = 0.0, seconds = 0.0;
        l >> lu >> seconds;
        if (!l) throw std::runtime_error("malformed pre-training record '" + line + "'");
        r.pretrain_lu.push_back(lu);
        r.pretrain_seconds.push_back(seconds);
    }
}

void set_extras(sfl::ckpt::Checkpoint &c, const std::string &record, const TrialResult &r) {
    if (!r.rollbacks.empty()) c.set(record + ".rollbacks", encode_rollbacks(r.rollbacks));
    if (!r.pretrain_lu.empty()) c.set(record + ".pretrain", encode_pretrain(r));
}

void get_extras(const sfl::ckpt::Checkpoint &c, const std::string &record, TrialResult &r) {
    if (const std::string *v = c.get(record + ".rollbacks")) r.rollbacks = decode_rollbacks(*v);
    if (const std::string *v = c.get(record + ".pretrain")) decode_pretrain(*v, r);
}

} // namespace

sfl::ckpt::Checkpoint snapshot_weights(const sfl::nn::Sequential &net, sfl::nn::Sgd &sgd) {
    sfl::ckpt::Checkpoint c;
    add_params(c, net, "param/");
    const auto params = net.params();
    for (size_t k = 0; k < params.size(); ++k)
        c.add("velocity/" + params[k]->name, params[k]->shape, sgd.velocity()[k].data());
    return c;
}

void restore_weights(const sfl::ckpt::Checkpoint &c, sfl::nn::Sequential &net, sfl::nn::Sgd &sgd) {
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

void save_state(const std::string &path, const std::string &fingerprint, const RunState &st,
                const sfl::ckpt::Checkpoint *weights) {
    sfl::ckpt::Checkpoint c;
    c.set("kind", "sfl-train checkpoint");
    c.set("fingerprint", fingerprint);
    c.set("trial", std::to_string(st.trial));
    c.set("epoch", std::to_string(st.epoch));
    c.set("trials_done", std::to_string(st.done.size()));
    for (size_t i = 0; i < st.done.size(); ++i) {
        c.set("result." + std::to_string(i), encode(st.done[i]));
        set_extras(c, "result." + std::to_string(i), st.done[i]);
    }
    c.set("current", encode(st.current));
    set_extras(c, "current", st.current);
    if (weights) c.tensors = weights->tensors;
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
    for (int32_t i = 0; i < n; ++i) {
        st.done.push_back(decode(c.require("result." + std::to_string(i))));
        get_extras(c, "result." + std::to_string(i), st.done.back());
    }
    st.current = decode(c.require("current"));
    get_extras(c, "current", st.current);
    return st;
}

void restore_weights(const std::string &path, sfl::nn::Sequential &net, sfl::nn::Sgd &sgd) {
    restore_weights(sfl::ckpt::load(path), net, sgd);
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
