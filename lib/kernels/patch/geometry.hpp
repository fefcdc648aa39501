// Patch geometry of an HWC image batch (sfl_patch.h): checked once from the
// public structs, then used by the im2col / col2im kernels and the CSF layer.
#pragma once

#include <cstdint>

#include "sfl/sfl_patch.h"

namespace sfl {
namespace patch {

struct Geometry {
    int32_t n, h, w, c;    // image batch
    int32_t kh, kw;        // kernel
    int32_t sh, sw;        // stride
    int32_t ph, pw;        // padding
    int32_t oh, ow;        // patch positions per image
    int32_t m;             // patch length kh * kw * c
    int64_t image_elems() const { return int64_t(h) * w * c; }
    int64_t patches() const { return int64_t(oh) * ow; }
};

// Validates params and dims (statuses as sfl_patch_out_dims) and fills g.
sfl_status make_geometry(const sfl_patch_params *params, const sfl_dims4 *in, Geometry *g);

} // namespace patch
} // namespace sfl
