// Signal ops: HannWindow, HammingWindow, BlackmanWindow and MelWeightMatrix (weights computed at
// import; their inputs must be known), DFT as matrix multiplies by constant cosine and sine
// matrices (the length of the transformed axis and dft_length must be static), and STFT on it.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "frontend/onnx/importers/compose_util.h"
#include "frontend/onnx/weights.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

constexpr int64_t kMaxConstantElements = int64_t(1) << 22;

// w[n] = sum_k a_k cos(2 pi k n / N), N = size (periodic) or size - 1 (symmetric).
Outputs window(NodeInputs& inputs, const NodeAttributes& attrs, const std::vector<double>& coefficients) {
    const std::vector<int64_t> sizeValues = inputs.ints(0);
    ONNX_CHECK(sizeValues.size() == 1, kINVALID_NODE) << "size must be a scalar";
    const int64_t size = sizeValues[0];
    ONNX_CHECK(size >= 0 && size <= kMaxConstantElements, kUNSUPPORTED_NODE) << "window size " << size;
    const bool periodic = attrs.getInt("periodic", 1) != 0;
    const DataType type = fromOnnxType(static_cast<int32_t>(attrs.getInt("output_datatype", 1)), "output_datatype");
    auto w = std::make_shared<ir::HostTensor>(ir::HostTensor::make(DataType::kDOUBLE, {size}));
    const double period = periodic ? double(size) : double(size - 1);
    for (int64_t n = 0; n < size; ++n) {
        double v = 0;
        for (size_t k = 0; k < coefficients.size(); ++k)
            v += coefficients[k] * (period == 0 ? 1.0 : std::cos(2 * std::numbers::pi * double(k) * double(n) / period));
        w->as<double>()[n] = v;
    }
    return {castWeights(*w, type)};
}

//! A constant [rows, cols] matrix of `type`, element (j, k) = f(j, k).
template <class F>
Tensor& matrix(ImportContext& ctx, DataType type, int64_t rows, int64_t cols, F f) {
    ONNX_CHECK(mulDims(rows, cols) <= kMaxConstantElements, kUNSUPPORTED_NODE)
        << "a DFT matrix of " << rows << " x " << cols << " is too large";
    auto m = std::make_shared<ir::HostTensor>(ir::HostTensor::make(DataType::kDOUBLE, {rows, cols}));
    for (int64_t j = 0; j < rows; ++j)
        for (int64_t k = 0; k < cols; ++k) m->as<double>()[j * cols + k] = f(j, k);
    return ctx.tensorOf(castWeights(*m, type));
}

void checkFloat(DataType type, const char* op) {
    ONNX_CHECK(type == DataType::kFLOAT || type == DataType::kDOUBLE, kUNSUPPORTED_NODE)
        << op << " of float32 or float64 only";
}

// Along the axis (length N, transform length n): forward Y = X e^{-2 pi i jk/n}, inverse
// Y = X e^{+2 pi i jk/n} / n; onesided keeps n/2 + 1 frequencies, and inverse onesided (irfft)
// takes n/2 + 1 frequencies of a Hermitian spectrum and gives a real signal of n values.
// x: [..., 1 or 2] (real, or real and imaginary parts); the result is [..., K, 2] ([..., n, 1]
// for irfft) with K at `axis`.
Tensor& dftAlong(ImportContext& ctx, Tensor& x, int32_t axis, int64_t n, bool inverse, bool onesided) {
    const int32_t rank = ctx.rankOf(&x);
    const std::vector<int64_t> dims = ctx.dimsOf(&x);
    const int64_t components = dims[rank - 1];
    const int64_t length = dims[axis];
    const DataType type = x.getType();
    // Real and imaginary parts with the transformed axis last: [..., N].
    std::vector<int64_t> perm;
    for (int32_t a = 0; a < rank - 1; ++a)
        if (a != axis) perm.push_back(a);
    perm.push_back(axis);
    auto part = [&](int64_t c) -> Tensor& {
        Tensor& index = ctx.tensorOf(ImportContext::int64Weights({c}, {}));
        Tensor& p = *ctx.check(ctx.network().addGather(x, index, rank - 1))->getOutput(0);
        return transpose(ctx, p, perm);
    };
    Tensor& re = part(0);
    Tensor* im = components == 2 ? &part(1) : nullptr;
    auto mm = [&](Tensor& a, Tensor& m) -> Tensor& {
        return *ctx.check(ctx.network().addMatrixMultiply(a, MatrixOperation::kNONE, m, MatrixOperation::kNONE))
                    ->getOutput(0);
    };
    auto angle = [n](int64_t j, int64_t k) { return 2 * std::numbers::pi * double((j * k) % n) / double(n); };
    // cos and sin that are exactly 0 where they should be (quarter turns), so that parts that
    // cancel in exact arithmetic do not keep a float32 residue.
    auto snap = [](double v) { return std::fabs(v) < 1e-12 ? 0.0 : v; };
    // Rows past n read nothing (truncation); a shorter input is implicitly zero-padded.
    auto cosine = [&](int64_t rows, int64_t cols, double scale) {
        return &matrix(ctx, type, rows, cols,
                       [&](int64_t j, int64_t k) { return j < n ? scale * snap(std::cos(angle(j, k))) : 0.0; });
    };
    auto sine = [&](int64_t rows, int64_t cols, double scale) {
        return &matrix(ctx, type, rows, cols,
                       [&](int64_t j, int64_t k) { return j < n ? scale * snap(std::sin(angle(j, k))) : 0.0; });
    };
    auto sub = [&](Tensor& a, Tensor& b) -> Tensor& { return elementWise(ctx, a, b, ElementWiseOperation::kSUB); };
    auto add = [&](Tensor& a, Tensor& b) -> Tensor& { return elementWise(ctx, a, b, ElementWiseOperation::kSUM); };

    std::vector<Tensor*> result;  // real (and imaginary) parts, [..., K]
    if (inverse && onesided) {
        // y[j] = sum_k w_k (Re X_k cos - Im X_k sin) / n, w_k = 2 except for k = 0 and k = n/2.
        const int64_t bins = n / 2 + 1;
        auto weight = [&](int64_t k) { return k >= bins ? 0.0 : (k == 0 || 2 * k == n) ? 1.0 : 2.0; };
        Tensor& c = matrix(ctx, type, length, n, [&](int64_t k, int64_t j) {
            return weight(k) * snap(std::cos(angle(j, k))) / double(n);
        });
        Tensor* y = &mm(re, c);
        if (im) {
            Tensor& s = matrix(ctx, type, length, n, [&](int64_t k, int64_t j) {
                return weight(k) * snap(std::sin(angle(j, k))) / double(n);
            });
            y = &sub(*y, mm(*im, s));
        }
        result = {y};
    } else {
        const int64_t bins = onesided ? n / 2 + 1 : n;
        const double scale = inverse ? 1.0 / double(n) : 1.0;
        Tensor& c = *cosine(length, bins, scale);
        Tensor& s = *sine(length, bins, scale);
        Tensor& reC = mm(re, c);
        Tensor& reS = mm(re, s);
        if (!im) {
            // e^{-i t}: (a)(cos - i sin); inverse e^{+i t}.
            Tensor& minus = unary(ctx, reS, UnaryOperation::kNEG);
            result = {&reC, inverse ? &reS : &minus};
        } else {
            Tensor& imC = mm(*im, c);
            Tensor& imS = mm(*im, s);
            if (inverse) result = {&sub(reC, imS), &add(reS, imC)};
            else result = {&add(reC, imS), &sub(imC, reS)};
        }
    }

    // Back to the input's axis order, with the complex axis last.
    std::vector<int64_t> back(rank - 1);
    for (size_t k = 0; k < perm.size(); ++k) back[perm[k]] = static_cast<int64_t>(k);
    std::vector<Tensor*> parts;
    for (Tensor* r : result) parts.push_back(&unsqueeze(ctx, transpose(ctx, *r, back), {rank - 1}));
    if (parts.size() == 1) return *parts[0];
    ConcatenationLayer* cat = ctx.check(ctx.network().addConcatenation(parts.data(), 2));
    cat->setAxis(rank - 1);
    return *cat->getOutput(0);
}


}  // namespace

KILN_ONNX_IMPORTER(HannWindow) { return window(inputs, attrs, {0.5, -0.5}); }
KILN_ONNX_IMPORTER(HammingWindow) { return window(inputs, attrs, {25.0 / 46.0, -21.0 / 46.0}); }
KILN_ONNX_IMPORTER(BlackmanWindow) { return window(inputs, attrs, {0.42, -0.5, 0.08}); }

// MelWeightMatrix [dft_length/2 + 1, num_mel_bins]: triangular filters between mel-spaced
// frequencies, as the ONNX reference computes them (its mel step divides by num_mel_bins + 2,
// and the edges' log1p in the input's float32 before the float64 rest).
KILN_ONNX_IMPORTER(MelWeightMatrix) {
    // All five must be known: name every missing one at once (the parser reports them together).
    for (size_t i = 0; i < 5; ++i)
        if (inputs.has(i) && !inputs.at(i).isWeights()) ctx.noteNeededConstant(inputs.name(i));
    auto scalar = [&](size_t i) {
        ONNX_CHECK(inputs.weights(i).numel() == 1, kINVALID_NODE) << "input " << i << " must be a scalar";
        return inputs.weights(i).floatAt(0);
    };
    const int64_t melBins = inputs.ints(0).at(0), dftLength = inputs.ints(1).at(0);
    const double sampleRate = scalar(2);
    const double lower = scalar(3), upper = scalar(4);
    ONNX_CHECK(melBins >= 1 && dftLength >= 1 && sampleRate > 0, kINVALID_NODE)
        << "num_mel_bins, dft_length and sample_rate must be positive";
    const int64_t spectrogramBins = dftLength / 2 + 1;
    ONNX_CHECK(mulDims(spectrogramBins, melBins) <= kMaxConstantElements, kUNSUPPORTED_NODE) << "the matrix is too large";
    const bool float32Edges = inputs.type(3) == DataType::kFLOAT;
    auto toMel = [&](double hz) {
        if (float32Edges) {
            const float m = 2595.f * std::log1p(static_cast<float>(hz) / 700.f);
            return static_cast<double>(m) / std::log(10.0);
        }
        return 2595.0 * std::log1p(hz / 700.0) / std::log(10.0);
    };
    const double lowMel = toMel(lower), highMel = toMel(upper);
    const double step = (highMel - lowMel) / double(melBins + 2);
    std::vector<int64_t> edges(melBins + 2);
    for (int64_t k = 0; k < melBins + 2; ++k) {
        const double hz = 700.0 * std::expm1((double(k) * step + lowMel) / 2595.0 * std::log(10.0));
        // Checked as a double: a hostile band (NaN, huge) must not reach the integer conversion.
        const double bin = std::floor(double(dftLength + 1) * hz / sampleRate);
        ONNX_CHECK(std::isfinite(bin) && bin >= 0 && bin < double(spectrogramBins), kINVALID_NODE)
            << "a mel filter edge falls on bin " << bin << ", outside [0, " << spectrogramBins << ")";
        edges[k] = static_cast<int64_t>(bin);
    }
    auto m = std::make_shared<ir::HostTensor>(ir::HostTensor::make(DataType::kDOUBLE, {spectrogramBins, melBins}));
    double* out = m->as<double>();
    std::fill(out, out + spectrogramBins * melBins, 0.0);
    for (int64_t i = 0; i < melBins; ++i) {
        const int64_t left = edges[i], centre = edges[i + 1], right = edges[i + 2];
        if (centre == left) {
            out[centre * melBins + i] = 1.0;
        } else {
            for (int64_t j = left; j <= centre; ++j) out[j * melBins + i] = double(j - left) / double(centre - left);
        }
        for (int64_t j = centre; j < right; ++j) out[j * melBins + i] = double(right - j) / double(right - centre);
    }
    const DataType type = fromOnnxType(static_cast<int32_t>(attrs.getInt("output_datatype", 1)), "output_datatype");
    return {castWeights(*m, type)};
}

KILN_ONNX_IMPORTER(DFT) {
    const int32_t rank = inputs.rank(0);
    ONNX_CHECK(rank >= 2, kINVALID_NODE) << "DFT input must have rank 2 or more, got " << rank;
    const std::vector<int64_t> dims = inputs.dims(0);
    const int64_t components = dims[rank - 1];
    ONNX_CHECK(components == 1 || components == 2, kINVALID_NODE)
        << "the last dim of DFT's input must be 1 (real) or 2 (complex), got " << components;
    int64_t axisValue = ctx.opset() >= 20 ? -2 : attrs.getInt("axis", 1);
    if (ctx.opset() >= 20 && inputs.has(2)) axisValue = inputs.ints(2).at(0);
    const int32_t axis = normalizeAxis(axisValue, rank);
    ONNX_CHECK(axis != rank - 1, kINVALID_NODE) << "DFT axis cannot be the last (complex) axis";
    const int64_t length = dims[axis];
    ONNX_CHECK(length >= 1, kUNSUPPORTED_NODE) << "DFT needs a static, non-empty transformed axis";
    const bool inverse = attrs.getInt("inverse", 0) != 0;
    const bool onesided = attrs.getInt("onesided", 0) != 0;
    int64_t n = inverse && onesided ? 2 * (length - 1) : length;
    if (inputs.has(1)) n = inputs.ints(1).at(0);
    ONNX_CHECK(n >= 1, kINVALID_NODE) << "dft_length must be positive, got " << n;
    checkFloat(inputs.type(0), "DFT");
    return {&dftAlong(ctx, inputs.tensor(0), axis, n, inverse, onesided)};
}

// STFT: frames of frame_length values every frame_step (a constant Gather), times the window,
// then the DFT of each frame. signal [batch, length, 1 or 2] -> [batch, frames, bins, 2].
KILN_ONNX_IMPORTER(STFT) {
    ONNX_CHECK(inputs.rank(0) == 3, kINVALID_NODE) << "STFT signal must be 3-D, got rank " << inputs.rank(0);
    const std::vector<int64_t> dims = inputs.dims(0);
    ONNX_CHECK(dims[2] == 1 || dims[2] == 2, kINVALID_NODE) << "the signal's last dim must be 1 or 2, got " << dims[2];
    ONNX_CHECK(dims[1] >= 1, kUNSUPPORTED_NODE) << "STFT needs a static signal length";
    checkFloat(inputs.type(0), "STFT");
    const std::vector<int64_t> stepValues = inputs.ints(1);
    ONNX_CHECK(stepValues.size() == 1 && stepValues[0] >= 1, kINVALID_NODE) << "frame_step must be a positive scalar";
    const int64_t step = stepValues[0];
    int64_t frameLength = -1;
    if (inputs.has(3)) frameLength = inputs.ints(3).at(0);
    if (inputs.has(2)) {
        ONNX_CHECK(inputs.rank(2) == 1, kINVALID_NODE) << "window must be 1-D";
        const int64_t w = inputs.dims(2)[0];
        ONNX_CHECK(w >= 1 && (frameLength < 0 || frameLength == w), kINVALID_NODE)
            << "window length " << w << " and frame_length " << frameLength << " disagree";
        frameLength = w;
    }
    ONNX_CHECK(frameLength >= 1 && frameLength <= dims[1], kINVALID_NODE)
        << "frame_length " << frameLength << " must be in [1, " << dims[1] << "]";
    const int64_t frames = (dims[1] - frameLength) / step + 1;
    ONNX_CHECK(mulDims(frames, frameLength) <= kMaxConstantElements, kUNSUPPORTED_NODE) << "too many frames";
    std::vector<int64_t> index(frames * frameLength);
    for (int64_t f = 0; f < frames; ++f)
        for (int64_t k = 0; k < frameLength; ++k) index[f * frameLength + k] = f * step + k;
    Tensor& indices = ctx.tensorOf(ImportContext::int64Weights(index, {frames, frameLength}));
    Tensor* framed = ctx.check(ctx.network().addGather(inputs.tensor(0), indices, 1))->getOutput(0);  // [b, f, L, c]
    if (inputs.has(2)) {
        Tensor& w = reshape(ctx, inputs.tensor(2), {1, 1, frameLength, 1});
        framed = &elementWise(ctx, *framed, w, ElementWiseOperation::kPROD);
    }
    const bool onesided = attrs.getInt("onesided", 1) != 0;
    return {&dftAlong(ctx, *framed, 2, frameLength, false, onesided)};
}

}  // namespace kiln::onnximport
