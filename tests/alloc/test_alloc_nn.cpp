// Zero heap allocations in the plain-layer calls of sfl_nn.h (heap calls
// counted by heap_counter.cpp, as in test_alloc.cpp): one LeNet-shaped
// forward and backward pass (conv 5x5 1->20, ReLU, maxpool 2x2/2, conv 5x5
// 20->50, maxpool, linear 800->500, ReLU, linear 500->10, softmax xent), the
// L2 normalisation of the 800 features (forward, backward, in place), every
// size query, and error paths. Built without sanitizers.
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include <sfl/sfl.h>

#include "heap_counter.hpp"

int main() {
    sfl_heap::start();
    void *volatile probe = std::malloc(16); // volatile: the compiler may not elide the pair
    EXPECT(sfl_heap::stop() == 1);
    std::free(probe);

    const int32_t n = 3;
    const sfl_patch_params k5 = SFL_PATCH_PARAMS_INIT(5, 5), pool = {{2, 2}, {2, 2}, {0, 0}};
    const sfl_dims4 in1 = {n, 28, 28, 1}, a1 = {n, 24, 24, 20}, in2 = {n, 12, 12, 20}, a2 = {n, 8, 8, 50};
    const sfl_linear_dims fc1 = {800, 500}, fc2 = {500, 10};
    const sfl_range all = {0, n};
    std::mt19937 rng(5);
    std::normal_distribution<float> N(0.0f, 0.1f);
    std::vector<float> X(n * 784), W1(25 * 20), b1(20), Y1(n * 576 * 20), P1(n * 144 * 20), W2(500 * 50), b2(50),
        Y2(n * 64 * 50), P2(n * 800), W3(800 * 500), b3(500), H(n * 500), W4(500 * 10), b4(10), Z(n * 10), loss(n),
        dZ(Z.size()), dH(H.size()), dP2(P2.size()), dY2(Y2.size()), dP1(P1.size()), dY1(Y1.size()), dW1(W1.size()),
        db1(20), dW2(W2.size()), db2(50), dW3(W3.size()), db3(500), dW4(W4.size()), db4(10);
    std::vector<float> U(P2.size()), dU(P2.size()), dPn(P2.size());
    const sfl_l2norm_params l2 = SFL_L2NORM_PARAMS_INIT, l2bad = {1.0f, 0.0f};
    std::vector<int32_t> i1(P1.size()), i2(P2.size()), labels = {3, -1, 7};
    for (auto *v : {&X, &W1, &b1, &W2, &b2, &W3, &b3, &W4, &b4})
        for (auto &x : *v) x = N(rng);
    AlignedBuffer fwd(SFL_CONV2D_FORWARD_WORKSPACE_BYTES(500));
    AlignedBuffer bwd(SFL_LINEAR_BACKWARD_WORKSPACE_BYTES(800, 500)); // the largest backward workspace here
    const sfl_workspace fw = {fwd.data(), SFL_CONV2D_FORWARD_WORKSPACE_BYTES(500)};
    const sfl_workspace bw = {bwd.data(), SFL_LINEAR_BACKWARD_WORKSPACE_BYTES(800, 500)};

    sfl_heap::start();
    size_t bytes = 0;
    sfl_dims4 out{};
    EXPECT(sfl_conv2d_forward_workspace_size(&k5, &in1, 20, &bytes) == SFL_OK);
    EXPECT(sfl_conv2d_backward_workspace_size(&k5, &in2, 50, &bytes) == SFL_OK);
    EXPECT(bytes <= bw.size);
    EXPECT(sfl_linear_backward_workspace_size(&fc1, &bytes) == SFL_OK);
    EXPECT(sfl_maxpool2d_out_dims(&pool, &a1, &out) == SFL_OK);
    // forward
    EXPECT(sfl_conv2d_forward(&fw, &k5, &in1, all, X.data(), 20, W1.data(), b1.data(), Y1.data()) == SFL_OK);
    EXPECT(sfl_relu_forward(Y1.size(), Y1.data(), Y1.data()) == SFL_OK);
    EXPECT(sfl_maxpool2d_forward(&pool, &a1, all, Y1.data(), P1.data(), i1.data()) == SFL_OK);
    EXPECT(sfl_conv2d_forward(&fw, &k5, &in2, all, P1.data(), 50, W2.data(), b2.data(), Y2.data()) == SFL_OK);
    EXPECT(sfl_maxpool2d_forward(&pool, &a2, all, Y2.data(), P2.data(), i2.data()) == SFL_OK);
    EXPECT(sfl_linear_forward(&fc1, n, all, P2.data(), W3.data(), b3.data(), H.data()) == SFL_OK);
    EXPECT(sfl_relu_forward(H.size(), H.data(), H.data()) == SFL_OK);
    EXPECT(sfl_linear_forward(&fc2, n, all, H.data(), W4.data(), b4.data(), Z.data()) == SFL_OK);
    EXPECT(sfl_softmax_xent(n, 10, all, Z.data(), labels.data(), 1.0f / n, loss.data(), dZ.data()) == SFL_OK);
    // backward
    EXPECT(sfl_linear_backward(&bw, &fc2, n, all, H.data(), W4.data(), dZ.data(), dH.data(), dW4.data(), db4.data()) == SFL_OK);
    EXPECT(sfl_relu_backward(H.size(), H.data(), dH.data(), dH.data()) == SFL_OK);
    EXPECT(sfl_linear_backward(&bw, &fc1, n, all, P2.data(), W3.data(), dH.data(), dP2.data(), dW3.data(), db3.data()) == SFL_OK);
    EXPECT(sfl_maxpool2d_backward(&pool, &a2, all, i2.data(), dP2.data(), dY2.data()) == SFL_OK);
    EXPECT(sfl_conv2d_backward(&bw, &k5, &in2, all, P1.data(), 50, W2.data(), dY2.data(), dP1.data(), dW2.data(), db2.data()) == SFL_OK);
    EXPECT(sfl_maxpool2d_backward(&pool, &a1, all, i1.data(), dP1.data(), dY1.data()) == SFL_OK);
    EXPECT(sfl_relu_backward(Y1.size(), Y1.data(), dY1.data(), dY1.data()) == SFL_OK);
    EXPECT(sfl_conv2d_backward(&bw, &k5, &in1, all, X.data(), 20, W1.data(), dY1.data(), nullptr, dW1.data(), db1.data()) == SFL_OK);
    // error paths must not allocate either
    // L2 normalisation of the 800 features (as in front of the SF layer), forward and backward
    EXPECT(sfl_l2norm_forward(&l2, n, 800, all, P2.data(), U.data()) == SFL_OK);
    for (size_t k = 0; k < dU.size(); ++k) dU[k] = U[k]; // some upstream gradient
    EXPECT(sfl_l2norm_backward(&l2, n, 800, all, P2.data(), dU.data(), dPn.data()) == SFL_OK);
    EXPECT(sfl_l2norm_backward(&l2, n, 800, sfl_range{1, n}, P2.data(), dU.data(), dU.data()) == SFL_OK);
    EXPECT(sfl_l2norm_forward(&l2, n, 800, all, U.data(), U.data()) == SFL_OK);
    const sfl_workspace small = {fwd.data(), 64};
    EXPECT(sfl_conv2d_forward(&small, &k5, &in1, all, X.data(), 20, W1.data(), b1.data(), Y1.data()) == SFL_ERR_WORKSPACE_TOO_SMALL);
    EXPECT(sfl_linear_backward(nullptr, &fc2, n, all, H.data(), W4.data(), dZ.data(), dH.data(), dW4.data(), db4.data()) == SFL_ERR_NULL_ARG);
    labels[0] = 10;
    EXPECT(sfl_softmax_xent(n, 10, all, Z.data(), labels.data(), 1.0f, loss.data(), dZ.data()) == SFL_ERR_BAD_PARAM);
    EXPECT(sfl_l2norm_forward(&l2bad, n, 800, all, P2.data(), U.data()) == SFL_ERR_BAD_PARAM);
    EXPECT(sfl_l2norm_backward(&l2, n, 0, all, P2.data(), dU.data(), dPn.data()) == SFL_ERR_BAD_DIMS);
    EXPECT(sfl_l2norm_backward(nullptr, n, 800, all, P2.data(), dU.data(), dPn.data()) == SFL_ERR_NULL_ARG);
    i2[0] = -1;
    EXPECT(sfl_maxpool2d_backward(&pool, &a2, all, i2.data(), dP2.data(), dY2.data()) == SFL_ERR_BAD_DIMS);
    const long calls = sfl_heap::stop();

    std::printf("heap calls inside the plain-layer C API: %ld\n", calls);
    EXPECT(calls == 0);
    std::printf("%d passed, %d failed\n", sfl_heap_failures ? 0 : 1, sfl_heap_failures ? 1 : 0);
    return sfl_heap_failures ? 1 : 0;
}
