// model.hpp - models for inference (sfl_model.h) from C++: load a model blob
// from a file or bytes (checked, plans built when the blob has none), write
// one atomically, and view a trained wrapper network as an sfl_model.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sfl/nn/network.hpp"
#include "sfl/sfl.h"
#include "sfl/sfl.hpp"

namespace sfl {

/** A model blob in owned, SFL_WORKSPACE_ALIGN-aligned memory, loaded and checked
 *  (sfl_model_load), with any missing SF/CSF plans built into owned memory.
 *  Move-only; moving keeps model() valid (the memory does not move).
 *  Errors throw sfl::Error (a std::runtime_error) whose one-line message names the
 *  file (or `what`) and gives sfl_status_string(); a file that cannot be read
 *  throws std::runtime_error naming it and the system's reason. */
class LoadedModel {
public:
    static LoadedModel from_file(const std::string &path);
    static LoadedModel from_bytes(const void *data, size_t size, const std::string &what = "blob");

    LoadedModel(LoadedModel &&) noexcept = default;
    LoadedModel &operator=(LoadedModel &&) noexcept = default;
    LoadedModel(const LoadedModel &) = delete;
    LoadedModel &operator=(const LoadedModel &) = delete;

    /** The model; every csf/sf plan is present. Valid while this object lives. */
    const sfl_model &model() const noexcept { return model_; }
    /** Set enet.lanes (0 or 1, sfl_enet.h) of every csf/sf layer. A blob does not store it,
     *  so a loaded model has 0 (firmware's smallest workspace); 1 runs the layers as the
     *  training network does (faster on a PC, codes equal up to double rounding).
     *  Throws std::invalid_argument for another value. */
    void set_lanes(int32_t lanes);
    /** The blob stored the plans (none had to be built). */
    bool had_plans() const noexcept { return had_plans_; }
    /** Bytes of the blob as given (the file's size). */
    size_t blob_bytes() const noexcept { return blob_bytes_; }

private:
    LoadedModel() = default;
    /** sfl_model_load the size bytes in blob_, then build the missing plans; what names it in errors. */
    void load(size_t size, const std::string &what);
    Workspace blob_;  // the blob's bytes; model_'s weights point into it
    Workspace plans_; // plans built here when the blob had none
    sfl_model model_{};
    size_t blob_bytes_ = 0;
    bool had_plans_ = false;
};

/** Blob bytes of model (sfl_model_write). with_plans needs every csf/sf plan.
 *  Throws sfl::Error (e.g. SFL_ERR_NOT_FINITE for a NaN weight). */
std::vector<unsigned char> model_blob(const sfl_model &model, bool with_plans);

/** Write the blob of model to path atomically (temp file, fsync, rename): the file
 *  is complete or untouched. Throws sfl::Error (model) or std::runtime_error (I/O),
 *  the message naming path. */
void save_model_file(const std::string &path, const sfl_model &model, bool with_plans);

/** Write bytes to path atomically (as save_model_file). Throws std::runtime_error
 *  naming path. */
void write_file_atomically(const std::string &path, const void *data, size_t bytes);

/** Name of an sfl_model_kind ("conv2d", "csf", "maxpool2d", "relu", "linear", "sf"),
 *  or "kind N" for an unknown value. */
std::string model_kind_name(int32_t kind);

/** "HxWxC" of one sample's shape. */
std::string model_shape_str(const sfl_dims4 &d);

namespace nn {

/** View of a wrapper network as an sfl_model: pointers into net's parameters and
 *  plans, valid while net lives and is not updated (an optimizer step rebuilds the
 *  plans in place: the view stays valid and follows the new values). The model is
 *  checked (sfl_model_check). Throws std::invalid_argument for more than
 *  SFL_MODEL_MAX_LAYERS layers (or none), sfl::Error if the check fails. */
sfl_model to_c_model(const Sequential &net);

} // namespace nn
} // namespace sfl
