/* sfl_model.h - a trained network (or an extractor: a prefix of one) for
 * inference: an in-memory description (sfl_model), a byte blob to store and
 * ship it (written and loaded with no heap), and a forward pass.
 *
 * A model is a chain of at most SFL_MODEL_MAX_LAYERS layers, each sample an HWC
 * tensor (sfl_patch.h): conv2d, csf, maxpool2d, relu, linear, sf, l2norm. The math of
 * each layer is the matching sfl call (sfl_nn.h, sfl_layers.h); sfl_model_forward()
 * calls them in order, so its outputs equal those of the same calls made one by
 * one, bit for bit, on the same build.
 *
 * Blob (docs/model-format.md has the byte layout): little-endian, a 64-byte
 * header ("SFLM", an endianness mark, format version, sizes, a CRC-32 of the
 * header and one of the payload), one 128-byte record per layer stating every
 * shape, l1, l2, the solver and its settings, then the float32 tensors, each at
 * a 64-byte aligned offset. Optionally the plan of every SF/CSF layer (G = P^T P
 * + l2 I) is stored too, so a device does not compute it. sfl_model_load() gives
 * an sfl_model whose pointers are views into the caller's buffer: keep the
 * buffer alive and unchanged while the model is used.
 *
 * A model can also be defined statically in C (the header apps/sfl-export
 * writes): a const sfl_model initialised with pointers to const arrays.
 *
 * Extractor: set n_layers to k and out to layers[k-1].out to run the first k
 * layers only (e.g. the CSF feature maps).
 *
 * Stack: calls that run the GEMM use up to SFL_MAX_STACK_BYTES (sfl_types.h) of the
 * caller's stack in SIMD builds (a 12 KiB packed panel); size thread stacks for it.
 */
#ifndef SFL_MODEL_H
#define SFL_MODEL_H

#include "sfl_enet.h"
#include "sfl_nn.h"
#include "sfl_patch.h"
#include "sfl_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most layers a model can hold. */
#define SFL_MODEL_MAX_LAYERS 16

/** Blob format version this library writes; it reads every blob with the same major. */
#define SFL_MODEL_FORMAT_MAJOR 1
#define SFL_MODEL_FORMAT_MINOR 2 /* 1: the l2norm kind; 2: non-negative codes (enet.positive) */

/** Bytes of the blob header and of one layer record. */
#define SFL_MODEL_HEADER_BYTES 64
#define SFL_MODEL_RECORD_BYTES 128

/** Layer kinds. The values are stored in blobs and pinned forever. 32 bits wide on every
 *  ABI, -fshort-enums included (the sentinel is not a kind). */
typedef enum sfl_model_kind {
    SFL_MODEL_CONV2D = 1,    /**< sfl_conv2d_forward: weight m x cout (m = kh*kw*c), bias cout */
    SFL_MODEL_CSF = 2,       /**< sfl_csf_forward: weight = P, m x K; no bias */
    SFL_MODEL_MAXPOOL2D = 3, /**< sfl_maxpool2d_forward: geom = window and stride, padding 0 */
    SFL_MODEL_RELU = 4,      /**< sfl_relu_forward */
    SFL_MODEL_LINEAR = 5,    /**< sfl_linear_forward: weight in x out (in = h*w*c of `in`), bias out */
    SFL_MODEL_SF = 6,        /**< sfl_sf_forward on the whole sample (m = h*w*c): weight = P, m x K */
    SFL_MODEL_L2NORM = 7,    /**< sfl_l2norm_forward on the whole sample (m = h*w*c), out = in;
                                  norm = scale and eps; no weight (format minor 1) */
    SFL_MODEL_KIND_FORCE_32BIT = 0x7FFFFFFF /**< not a kind: keeps the enum 32 bits wide */
} sfl_model_kind;

/** One layer. Shapes are of one sample (n = 1), HWC. */
typedef struct sfl_model_layer {
    int32_t kind;          /**< an sfl_model_kind value (int32_t: enums may be short on some ABIs) */
    sfl_dims4 in;          /**< input shape, n = 1 */
    sfl_dims4 out;         /**< output shape, n = 1; conv2d: oh x ow x cout, csf: oh x ow x K,
                                linear: 1 x 1 x out, sf: 1 x 1 x K, relu, l2norm: = in */
    sfl_patch_params geom; /**< conv2d, csf: kernel, stride, padding; maxpool2d: window (kernel) and
                                stride, padding 0; others: all zero */
    sfl_enet_params enet;  /**< csf, sf: l1, l2, tol, max_iter, solver, lanes, positive of the forward
                                solve (a model file stores all but lanes, which loads as 0; positive
                                from format minor 2);
                                others: all zero */
    const float *weight;   /**< row-major; conv2d: m x cout; linear: in x out; csf, sf: P, m x K
                                (unit-ball columns); NULL for maxpool2d and relu */
    const float *bias;     /**< conv2d: cout; linear: out; may be NULL there (no bias, as the layer
                                calls allow); NULL for the others */
    const sfl_enet_plan *plan; /**< csf, sf: the plan of weight with enet.l2, SFL_WORKSPACE_ALIGN
                                    aligned; NULL until sfl_model_build_plans() (or when the blob
                                    had none); NULL for the others */
    sfl_l2norm_params norm; /**< l2norm: scale and eps (finite, > 0); others: both zero */
} sfl_model_layer;

/** A chain of layers: layers[0].in == in, layers[i].out == layers[i+1].in,
 *  layers[n_layers-1].out == out. */
typedef struct sfl_model {
    int32_t n_layers;                            /**< 1 .. SFL_MODEL_MAX_LAYERS */
    sfl_dims4 in;                                /**< one input sample, n = 1 */
    sfl_dims4 out;                               /**< one output sample, n = 1 */
    sfl_model_layer layers[SFL_MODEL_MAX_LAYERS]; /**< the first n_layers are used */
} sfl_model;

/* ---- checking ---- */

/** Check a model: the chain of shapes, each layer's shape rule (as its sfl call), weights
 *  present where needed, enet parameters in range (l1, l2 >= 0 and finite, a known solver),
 *  plans (when non-NULL) valid and of the right shape and l2. Strict: every shape has n = 1,
 *  and what a kind does not use must be NULL / zero (a weight on maxpool2d or relu, a bias
 *  on csf or sf, a plan on a plain layer, unused geom / enet fields): SFL_ERR_BAD_PARAM.
 *  An l2norm layer needs a finite scale and eps > 0 (SFL_ERR_BAD_PARAM); the other kinds
 *  a zero norm field.
 *  Weight values are not scanned (sfl_model_load() does scan them), except that each csf/sf
 *  weight with a plan is checked against it (sfl_enet_plan_check_dictionary(), O(m K)).
 *  @return SFL_OK; SFL_ERR_NULL_ARG (model, or a missing weight);
 *          SFL_ERR_BAD_DIMS (n_layers, a shape or the chain); SFL_ERR_BAD_PARAM (unknown kind,
 *          geometry, enet parameters); SFL_ERR_BAD_PLAN (a plan that is not one, or not of
 *          this layer's m, K and l2, or whose column norms do not match the layer's weight, as
 *          sfl_enet_plan_check_dictionary()); SFL_ERR_ZERO_ATOM, SFL_ERR_NOT_FINITE (a csf/sf
 *          weight with a plan: a zero column, a NaN or infinity); SFL_ERR_MISALIGNED (a plan not
 *          SFL_WORKSPACE_ALIGN aligned) */
SFL_API sfl_status sfl_model_check(const sfl_model *model);

/* ---- blob ---- */

/** Bytes of the blob of model (== what sfl_model_write() writes).
 *  @param with_plans  nonzero: store the plan of every csf/sf layer (each must be non-NULL)
 *  @return SFL_OK; the errors of sfl_model_check(); SFL_ERR_NULL_ARG (with_plans and a NULL plan) */
SFL_API sfl_status sfl_model_blob_size(const sfl_model *model, int32_t with_plans, size_t *bytes);

/** Write the blob of model into buf (any alignment). Weights are scanned first.
 *  @param buf      out: at least sfl_model_blob_size() bytes; untouched on error
 *  @param size     bytes at buf
 *  @param written  out, may be NULL: bytes written
 *  @return SFL_OK; as sfl_model_blob_size(); SFL_ERR_WORKSPACE_TOO_SMALL (size);
 *          SFL_ERR_NOT_FINITE (a weight, bias or plan value is NaN or infinite) */
SFL_API sfl_status sfl_model_write(const sfl_model *model, int32_t with_plans, void *buf, size_t size,
                                   size_t *written);

/** Load a blob: check it completely, then fill *model with views into blob (weights,
 *  biases and, when the blob has them, plans point inside it; plan is NULL otherwise).
 *  Checks, in this order: size >= header (TRUNCATED), magic (MAGIC), endianness mark
 *  (ENDIAN), major version (VERSION), stated size <= size (TRUNCATED), header CRC and
 *  payload CRC (CRC), then the content (INVALID: records, offsets, lengths, alignment,
 *  shapes as sfl_model_check(), finite values, plans equal to the layer's m, K, l2).
 *  Bytes after the stated size are ignored.
 *  @param blob   the bytes, SFL_WORKSPACE_ALIGN aligned, owned by the caller; must stay
 *                alive and unchanged while *model is used
 *  @param size   bytes at blob
 *  @param model  out: the model; untouched on error
 *  @return SFL_OK; SFL_ERR_NULL_ARG; SFL_ERR_MISALIGNED (blob); SFL_ERR_MODEL_TRUNCATED;
 *          SFL_ERR_MODEL_MAGIC; SFL_ERR_MODEL_ENDIAN; SFL_ERR_MODEL_VERSION; SFL_ERR_MODEL_CRC;
 *          SFL_ERR_MODEL_INVALID; SFL_ERR_UNSUPPORTED (a big-endian host: the
 *          floats are used in place; sfl_model_write() works on any host) */
SFL_API sfl_status sfl_model_load(const void *blob, size_t size, sfl_model *model);

/* ---- plans ---- */

/** Bytes sfl_model_build_plans() needs: the sum of SFL_ENET_PLAN_BYTES(K) over the csf/sf
 *  layers whose plan is NULL (0 when every plan is there).
 *  @return SFL_OK; the errors of sfl_model_check() */
SFL_API sfl_status sfl_model_plans_size(const sfl_model *model, size_t *bytes);

/** Build the missing plans (csf/sf layers with plan == NULL) in mem, one after the other,
 *  and point the layers at them.
 *  @param mem   caller memory, SFL_WORKSPACE_ALIGN aligned, at least sfl_model_plans_size()
 *               bytes; must outlive the model's use
 *  @return SFL_OK; the errors of sfl_model_check() and sfl_enet_plan_init();
 *          on error the model is untouched */
SFL_API sfl_status sfl_model_build_plans(sfl_model *model, void *mem, size_t size);

/* ---- forward ---- */

/** Workspace bytes of sfl_model_forward() for batches of up to n samples: two activation
 *  buffers of n times the largest output of the layers but the last (one buffer for two
 *  layers, none for one), plus the largest layer workspace. The value depends only on the
 *  shapes and solvers (it is the same on every target); SFL_MODEL_FORWARD_WORKSPACE_BYTES
 *  gives the same number at compile time.
 *  @return SFL_OK; SFL_ERR_BAD_DIMS (n < 1 or n > SFL_PATCH_MAX_DIM); the errors of
 *          sfl_model_check() */
SFL_API sfl_status sfl_model_forward_workspace_size(const sfl_model *model, int32_t n, size_t *bytes);

/** Workspace bytes of sfl_model_forward() for n samples, at compile time
 *  (== sfl_model_forward_workspace_size()):
 *  @param n_layers    the model's layer count, >= 1
 *  @param act_floats  floats per sample of the largest output of layers 0 .. n_layers-2 (the
 *                     outputs that live in the workspace; h*w*c of the layer's out), 0 if one layer
 *  @param layer_ws    the largest forward workspace of the model's layers at this n: conv2d
 *                     SFL_CONV2D_FORWARD_WORKSPACE_BYTES_FOR(m, n*oh*ow), csf
 *                     SFL_CSF_FORWARD_WORKSPACE_BYTES(m, K, solver bytes), sf
 *                     SFL_SF_FORWARD_WORKSPACE_BYTES(K, solver bytes); 0 if none
 *  @param n           samples per call
 *  sfl-export writes these numbers for an exported model (docs/deploy.md). */
#define SFL_MODEL_FORWARD_WORKSPACE_BYTES(n_layers, act_floats, layer_ws, n) \
    ((size_t)((n_layers) > 2 ? 2 : (n_layers) - 1) * SFL_ALIGN_UP(4 * (size_t)(act_floats) * (size_t)(n)) + \
     SFL_ALIGN_UP(layer_ws))

/** Run the model on n samples.
 *  @param ws     workspace of at least sfl_model_forward_workspace_size(model, n) bytes
 *  @param model  a checked model whose csf/sf plans are all present
 *  @param n      samples, 1 .. SFL_PATCH_MAX_DIM
 *  @param X      n x in (HWC, sample-major), finite
 *  @param Y      out: n x out
 *  @return SFL_OK; SFL_WARN_NOT_CONVERGED (some solve hit max_iter; Y holds the result with
 *          its last iterate); SFL_WARN_ROWS_FAILED (some solve failed on its own, as in
 *          sfl_sf_forward(); Y written, takes precedence over SFL_WARN_NOT_CONVERGED);
 *          with Y untouched: SFL_ERR_NULL_ARG (also a missing plan); the errors of
 *          sfl_model_check(); SFL_ERR_BAD_DIMS (n); SFL_ERR_WORKSPACE_TOO_SMALL;
 *          SFL_ERR_MISALIGNED; SFL_ERR_NOT_FINITE (X, or the input a csf/sf layer receives
 *          from the layers below). Each csf/sf weight must be the dictionary its plan was
 *          built from: sfl_model_check() checks that (O(m K)), the forward call does not
 *          (it would cost an SF layer as much as its GEMM for one image) */
SFL_API sfl_status sfl_model_forward(const sfl_workspace *ws, const sfl_model *model, int32_t n, const float *X,
                                     float *Y);

/* ---- CRC ---- */

/** CRC-32 (IEEE 802.3 / zlib: reflected, polynomial 0xEDB88320, init and final xor
 *  0xFFFFFFFF) of bytes, continuing from crc (0 to start): crc32(crc32(0, a), b) ==
 *  crc32(0, a || b). data may be NULL when bytes == 0. */
SFL_API uint32_t sfl_crc32(uint32_t crc, const void *data, size_t bytes);

#ifdef __cplusplus
}
#endif

#endif /* SFL_MODEL_H */
