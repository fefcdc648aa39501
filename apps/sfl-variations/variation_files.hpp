// variation_files.hpp - a generated variation on disk: the four MNIST idx files
// (so sfl-train --data DIR reads it like MNIST) and manifest.json.
#pragma once

#include <string>
#include <vector>

#include "generate.hpp"

namespace sfl_variations {

/** What the manifest records besides the variation itself. */
struct ManifestInputs {
    const Pool *pool = nullptr;
    const PatchBank *bank = nullptr; // img only
    double min_std = 0.0;            // img only
};

/** The names written into a variation's directory. */
extern const char *const kTrainImages;
extern const char *const kTrainLabels;
extern const char *const kTestImages;
extern const char *const kTestLabels;
extern const char *const kManifest;

/** manifest.json: variation, seed, counts, label counts, how the pool was formed and
 *  its FNV-1a hash, the FNV-1a hash of the list of source indices and its first 10
 *  entries of each split, the kind's parameters, and the FNV-1a hash of each idx file's
 *  bytes (files_fnv1a64) for checking byte identity between machines. Deterministic:
 *  no paths, no dates. */
std::string manifest_json(const Variation &v, const ManifestInputs &in);

/** Create dir (and parents) if missing, then write the four idx files and manifest.json
 *  (each through a ".part" file renamed into place). Throws std::runtime_error. */
void write_variation(const std::string &dir, const Variation &v, const ManifestInputs &in);

} // namespace sfl_variations
