// patch_bank.hpp - MNIST-img backgrounds: patches cut at random positions from a
// set of grey natural images, skipping near-uniform ones (docs/design.md section 4;
// docs/variations.md, "MNIST-img").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sfl_variations {

class Stream;

/** A grey image, uint8, row-major. */
struct GreyImage {
    std::string name;
    int32_t width = 0, height = 0;
    std::vector<uint8_t> pixels;
};

/** BT.601 luma rounded to an integer: (299 R + 587 G + 114 B + 500) / 1000 (integer division). */
inline uint8_t luma601(uint8_t r, uint8_t g, uint8_t b) {
    return uint8_t((299u * r + 587u * g + 114u * b + 500u) / 1000u);
}

/** Read an image file with stb_image (8 bits per channel; 16-bit files are cut to
 *  their high byte by stb) and make it grey: 1 or 2 channels (grey, grey+alpha)
 *  keep channel 0, 3 or 4 (RGB, RGBA) take luma601 of R, G, B; alpha is ignored.
 *  Throws std::runtime_error naming the file and stb's reason. */
GreyImage load_grey(const std::string &path, const std::string &name);

/** Where a patch came from: image index in the bank and top-left corner. */
struct PatchPick {
    int32_t image = -1, x = 0, y = 0;
};

class PatchBank {
public:
    /** Index every rows x cols window of every image whose population standard
     *  deviation, on the [0, 1] scale (grey / 255), is at least min_std; computed
     *  exactly with integer sums: N*sum(g^2) - sum(g)^2 >= (255 N min_std)^2, N = rows*cols.
     *  Throws std::runtime_error if an image is smaller than a patch or no window passes. */
    PatchBank(std::vector<GreyImage> images, int32_t rows, int32_t cols, double min_std);

    /** A patch: an image drawn uniformly among those with at least one window that
     *  passes (s.below(usable images)), then one of its passing windows uniformly
     *  (s.below(its count); windows listed row by row). Copies rows*cols pixels to out. */
    PatchPick draw(Stream &s, uint8_t *out) const;

    /** Copy the window at pick to out. */
    void cut(const PatchPick &pick, uint8_t *out) const;

    const std::vector<GreyImage> &images() const { return images_; }
    /** Passing windows of image i (0 for an image left out of the draw). */
    int64_t passing(size_t i) const { return int64_t(windows_[i].size()); }
    /** All windows of image i. */
    int64_t windows(size_t i) const;
    /** Standard deviation of the window at pick on the [0, 1] scale (for tests and reports). */
    double window_std(const PatchPick &pick) const;

private:
    std::vector<GreyImage> images_;
    int32_t rows_, cols_;
    std::vector<std::vector<uint32_t>> windows_; // per image: y * width + x of each passing window
    std::vector<int32_t> usable_;                // images with at least one passing window
};

} // namespace sfl_variations
