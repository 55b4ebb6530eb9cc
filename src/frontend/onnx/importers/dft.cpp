// DFT (opset 17+): a discrete Fourier transform is a linear map along the signal axis, so it is
// matrix multiplies by cos and sin matrices made at import (length and axis must be constants):
//   forward  X_k = sum_n x_n e^{-2 pi i k n / L}                      (onesided: k <= L / 2)
//   inverse  x_k = 1/L sum_n X_n e^{+2 pi i k n / L}
//   inverse onesided (irfft): the real signal of the Hermitian spectrum whose first L/2 + 1 bins
//            are given: 1/L sum_n w_n (Re X_n cos - Im X_n sin), w_n = 2 except for bins 0 and L/2.
// Input samples past L (or past the L/2 + 1 bins) are dropped, missing ones count as zeros.
#include <cmath>

#include "frontend/onnx/importers/compose_util.h"
#include "frontend/onnx/importers/shape_scalar.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

// A [rows, cols] float matrix of f(n, k) (computed in double).
template <class F>
std::shared_ptr<ir::HostTensor> matrix(int64_t rows, int64_t cols, F f) {
    auto m = std::make_shared<ir::HostTensor>(ir::HostTensor::make(DataType::kFLOAT, {rows, cols}));
    float* v = m->as<float>();
    for (int64_t n = 0; n < rows; ++n)
        for (int64_t k = 0; k < cols; ++k) v[n * cols + k] = static_cast<float>(f(n, k));
    return m;
}

}  // namespace

KILN_ONNX_IMPORTER(DFT) {
    Tensor& x = inputs.tensor(0);
    const int32_t rank = inputs.rank(0);
    ONNX_CHECK(rank >= 2, kINVALID_NODE) << "input must be [..., signal, 1 or 2], got rank " << rank;
    const std::vector<int64_t> dims = inputs.dims(0);
    const int64_t channels = dims.back();
    ONNX_CHECK(channels == 1 || channels == 2, kINVALID_NODE) << "the last dim must be 1 (real) or 2 (complex), got "
                                                              << channels;
    int64_t axis = attrs.getInt("axis", 1);
    if (ctx.opset() >= 20) axis = inputs.has(2) ? inputs.ints(2).at(0) : -2;
    axis = normalizeAxis(axis, rank);
    ONNX_CHECK(axis != rank - 1, kINVALID_NODE) << "the signal axis cannot be the last (real/imaginary) axis";
    const int64_t n = dims[axis];
    ONNX_CHECK(n >= 1, kUNSUPPORTED_NODE_DYNAMIC) << "a dynamic (or empty) signal axis";
    const bool inverse = attrs.getInt("inverse", 0) != 0, onesided = attrs.getInt("onesided", 0) != 0;
    const bool irfft = inverse && onesided;
    int64_t length = irfft ? 2 * (n - 1) : n;
    if (inputs.has(1)) length = inputs.ints(1).at(0);
    ONNX_CHECK(length >= 1 && length <= (int64_t(1) << 16), kUNSUPPORTED_NODE_SHAPE)
        << "a transform of length " << length << " (1 to 65536 supported)";
    const int64_t used = std::min(n, irfft ? length / 2 + 1 : length);  // input samples that count
    const int64_t outputs = !inverse && onesided ? length / 2 + 1 : length;
    ONNX_CHECK(mulDims(n, outputs) <= (int64_t(1) << 24), kUNSUPPORTED_NODE_SHAPE) << "a DFT matrix of " << n << " x "
                                                                                  << outputs;

    // The signal axis next to last, then real and imaginary parts as [..., n].
    std::vector<int64_t> perm;
    for (int32_t a = 0; a < rank - 1; ++a)
        if (a != axis) perm.push_back(a);
    perm.push_back(axis);
    perm.push_back(rank - 1);
    Tensor& moved = transpose(ctx, x, perm);
    auto part = [&](int64_t c) -> Tensor& {
        std::vector<ShapeScalar> start(rank, ShapeScalar{0}), size(rank);
        for (int32_t a = 0; a < rank; ++a) size[a] = dimOf(ctx, moved, a);
        start[rank - 1] = {c};
        size[rank - 1] = {1};
        return squeeze(ctx, sliceLayer(ctx, moved, start, size, std::vector<int64_t>(rank, 1)), {rank - 1});
    };
    const DataType type = x.getType();
    Tensor& re = cast(ctx, part(0), DataType::kFLOAT);
    Tensor* im = channels == 2 ? &cast(ctx, part(1), DataType::kFLOAT) : nullptr;
    const double pi = std::acos(-1.0), len = static_cast<double>(length);
    auto angle = [&](int64_t a, int64_t b) { return 2 * pi * static_cast<double>((a * b) % length) / len; };
    // signal [..., n] times the [n, outputs] matrix of f(i, k) (rows past `used` zero).
    auto times = [&](Tensor& signal, auto f) -> Tensor& {
        auto m = matrix(n, outputs, [&](int64_t i, int64_t k) { return i < used ? f(i, k) : 0.0; });
        Tensor& mt = ctx.tensorOf(m);
        return *ctx.check(ctx.network().addMatrixMultiply(signal, MatrixOperation::kNONE, mt, MatrixOperation::kNONE))
                    ->getOutput(0);
    };
    // re @ A + im @ B, as [..., outputs, 1].
    auto apply = [&](auto fr, auto fi) -> Tensor& {
        Tensor* y = &times(re, fr);
        if (im) y = &elementWise(ctx, *y, times(*im, fi), ElementWiseOperation::kSUM);
        return unsqueeze(ctx, *y, {rank - 1});
    };
    Tensor* out;
    if (irfft) {
        auto weight = [&](int64_t i) { return i == 0 || 2 * i == length ? 1.0 : 2.0; };
        out = &apply([&](int64_t i, int64_t k) { return weight(i) * std::cos(angle(i, k)) / len; },
                     [&](int64_t i, int64_t k) { return -weight(i) * std::sin(angle(i, k)) / len; });
    } else {
        const double sign = inverse ? 1.0 : -1.0, scale = inverse ? 1.0 / len : 1.0;
        // (xr + i xi)(cos + i sign sin): re = xr cos - sign xi sin, im = sign xr sin + xi cos.
        Tensor& real = apply([&](int64_t i, int64_t k) { return scale * std::cos(angle(i, k)); },
                             [&](int64_t i, int64_t k) { return -sign * scale * std::sin(angle(i, k)); });
        Tensor& imag = apply([&](int64_t i, int64_t k) { return sign * scale * std::sin(angle(i, k)); },
                             [&](int64_t i, int64_t k) { return scale * std::cos(angle(i, k)); });
        Tensor* parts[] = {&real, &imag};
        ConcatenationLayer* l = ctx.network().addConcatenation(parts, 2);
        if (l) l->setAxis(rank - 1);
        out = ctx.check(l)->getOutput(0);
    }
    // Back to the input's axis order.
    std::vector<int64_t> back(rank);
    for (int32_t i = 0; i < rank; ++i) back[perm[i]] = i;
    return {&cast(ctx, transpose(ctx, *out, back), type)};
}

}  // namespace kiln::onnximport
