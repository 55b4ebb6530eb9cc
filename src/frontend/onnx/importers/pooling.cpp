// MaxPool, AveragePool, LpPool and the global pools. Dilated windows, which the Pooling layer
// does not have, are composed from strided slices (see dilatedPool).
#include <limits>

#include "frontend/onnx/importers/compose_util.h"
#include "frontend/onnx/importers/shape_scalar.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

enum class Window { kMAX, kAVERAGE, kSUM };

// A dilated pool is separable: a max or a sum over a box is that over each axis in turn. Along
// spatial axis a, output o covers input positions o * s - padBegin + k * d (k < K); each k is one
// slice of stride s that reads -inf (max) or 0 (sum) outside the input, and the slices combine
// element-wise. Positions past the end padding (ceil_mode's extra window) count for nothing,
// as in the ONNX reference; an average divides each axis's sum by its count of positions: those
// inside the input, or inside input and padding with count_include_pad=1. Needs static spatial dims.
Tensor& dilatedPool(ImportContext& ctx, Tensor& x, const NodeAttributes& attrs, Window window,
                    const std::vector<int64_t>& kernel, const std::vector<int64_t>& strides, std::vector<int64_t> pads,
                    const std::vector<int64_t>& dilations) {
    const size_t n = kernel.size();
    const int32_t rank = ctx.rankOf(&x);
    ONNX_CHECK(static_cast<size_t>(rank) == n + 2, kINVALID_NODE)
        << "a " << n << "-D kernel for an input of rank " << rank;
    const std::vector<int64_t> dims = ctx.dimsOf(&x);
    const std::string autoPad = attrs.getString("auto_pad", "NOTSET");
    const bool ceil = attrs.getInt("ceil_mode", 0) != 0;
    const bool countPadding = attrs.getInt("count_include_pad", 0) != 0;
    const DataType type = x.getType();
    Tensor& fill = scalarConstant(ctx, type, window == Window::kMAX ? -std::numeric_limits<double>::infinity() : 0.0, 0);
    Tensor* y = &x;
    for (size_t i = 0; i < n; ++i) {
        const int32_t axis = static_cast<int32_t>(i) + 2;
        const int64_t in = dims[axis], k = kernel[i], s = strides[i], d = dilations[i];
        ONNX_CHECK(in >= 0, kUNSUPPORTED_NODE_DYNAMIC) << "dilated pooling of a dynamic spatial dim";
        ONNX_CHECK(k >= 1 && k <= 4096 && s >= 1 && d >= 1 && d <= (int64_t(1) << 20), kINVALID_NODE)
            << "kernel " << k << ", stride " << s << ", dilation " << d;
        ONNX_CHECK(pads[i] >= 0 && pads[i + n] >= 0 && pads[i] <= (int64_t(1) << 40) && pads[i + n] <= (int64_t(1) << 40),
                   kINVALID_NODE) << "pads " << pads[i] << " and " << pads[i + n] << " are out of range";
        const int64_t span = (k - 1) * d + 1;
        // SAME with dilations: ONNX Runtime pads for the undilated window and the ONNX reference
        // sizes the output without the dilation; the two disagree, so it is refused.
        ONNX_CHECK(autoPad == "NOTSET" || autoPad == "VALID", kUNSUPPORTED_NODE_ATTR)
            << "auto_pad='" << autoPad << "' with dilations (ONNX Runtime and the ONNX reference disagree on its padding)";
        if (autoPad == "VALID") pads[i] = pads[i + n] = 0;
        const int64_t room = in + pads[i] + pads[i + n] - span;
        ONNX_CHECK(room >= 0, kINVALID_NODE) << "a dilated window of " << span << " does not fit " << in
                                             << " positions and their padding";
        int64_t out = (ceil ? (room + s - 1) / s : room / s) + 1;
        // ceil_mode's last window must start inside the input or its begin padding.
        if (ceil && (out - 1) * s >= in + pads[i]) --out;
        const int64_t padBegin = pads[i], padEnd = pads[i + n];
        Tensor* combined = nullptr;
        std::vector<ShapeScalar> start(rank, ShapeScalar{0}), size(rank);
        for (int32_t a = 0; a < rank; ++a) size[a] = dimOf(ctx, *y, a);
        size[axis] = {out};
        std::vector<int64_t> stride(rank, 1);
        stride[axis] = s;
        for (int64_t j = 0; j < k; ++j) {
            start[axis] = {j * d - padBegin};
            Tensor& part = sliceLayer(ctx, *y, start, size, stride, SampleMode::kFILL, &fill);
            combined = !combined ? &part
                                 : &elementWise(ctx, *combined, part,
                                                window == Window::kMAX ? ElementWiseOperation::kMAX : ElementWiseOperation::kSUM);
        }
        if (window == Window::kAVERAGE) {
            const int64_t lo = countPadding ? -padBegin : 0, hi = countPadding ? in + padEnd : in;
            std::vector<int64_t> countDims(rank, 1);
            countDims[axis] = out;
            auto counts = std::make_shared<ir::HostTensor>(ir::HostTensor::make(DataType::kFLOAT, countDims));
            for (int64_t o = 0; o < out; ++o) {
                int64_t c = 0;
                for (int64_t j = 0; j < k; ++j) {
                    const int64_t p = o * s - padBegin + j * d;
                    c += p >= lo && p < hi;
                }
                counts->as<float>()[o] = static_cast<float>(c);
            }
            combined = &elementWise(ctx, *combined, cast(ctx, ctx.tensorOf(counts), type), ElementWiseOperation::kDIV);
        }
        y = combined;
    }
    return *y;
}

//! Window::kSUM is the sum over the window with zero padding (LpPool's): an average that
//! divides by the whole window, padding included, times the window's size.
Tensor& pool(ImportContext& ctx, Tensor& x, const NodeAttributes& attrs, Window window) {
    std::vector<int64_t> kernel = attrs.getInts("kernel_shape");
    const size_t n = kernel.size();
    ONNX_CHECK(n >= 1, kINVALID_NODE) << "kernel_shape is required";
    ONNX_CHECK(attrs.getInt("storage_order", 0) == 0, kUNSUPPORTED_NODE_ATTR) << "storage_order=1 (column major)";
    std::vector<int64_t> strides = attrs.getInts("strides", std::vector<int64_t>(n, 1));
    std::vector<int64_t> pads = attrs.getInts("pads", std::vector<int64_t>(2 * n, 0));
    std::vector<int64_t> dilations = attrs.getInts("dilations", std::vector<int64_t>(n, 1));
    ONNX_CHECK(strides.size() == n && pads.size() == 2 * n && dilations.size() == n, kINVALID_NODE)
        << "strides, pads and dilations must have " << n << ", " << 2 * n << " and " << n << " values";
    bool dilated = false;
    for (int64_t d : dilations) dilated |= d != 1;
    if (dilated) return dilatedPool(ctx, x, attrs, window, kernel, strides, pads, dilations);
    const PoolingType type = window == Window::kMAX ? PoolingType::kMAX : PoolingType::kAVERAGE;
    PoolingLayer* l = ctx.network().addPoolingNd(x, type, toDims(kernel));
    if (l) {
        l->setStrideNd(toDims(strides));
        std::string autoPad = attrs.getString("auto_pad", "NOTSET");
        bool ceil = attrs.getInt("ceil_mode", 0) != 0;
        if (autoPad == "SAME_UPPER") {
            l->setPaddingMode(PaddingMode::kSAME_UPPER);
        } else if (autoPad == "SAME_LOWER") {
            l->setPaddingMode(PaddingMode::kSAME_LOWER);
        } else {
            ONNX_CHECK(autoPad == "NOTSET" || autoPad == "VALID", kUNSUPPORTED_NODE_ATTR) << "auto_pad='" << autoPad << "'";
            if (autoPad == "NOTSET") {
                l->setPrePadding(toDims({pads.begin(), pads.begin() + n}));
                l->setPostPadding(toDims({pads.begin() + n, pads.end()}));
            }
            l->setPaddingMode(ceil ? PaddingMode::kEXPLICIT_ROUND_UP : PaddingMode::kEXPLICIT_ROUND_DOWN);
        }
        if (type == PoolingType::kAVERAGE)
            l->setAverageCountExcludesPadding(window == Window::kAVERAGE && attrs.getInt("count_include_pad", 0) == 0);
    }
    Tensor* y = ctx.check(l)->getOutput(0);
    if (window == Window::kSUM) {
        int64_t size = 1;
        for (int64_t k : kernel) size = mulDims(size, k);
        y = &elementWise(ctx, *y, scalarConstant(ctx, x.getType(), static_cast<double>(size), ctx.rankOf(y)),
                         ElementWiseOperation::kPROD);
    }
    return *y;
}

// |x|^p and its p-th root; p = 2 as a product and a square root.
Tensor& absPower(ImportContext& ctx, Tensor& x, int64_t p) {
    if (p == 2) return elementWise(ctx, x, x, ElementWiseOperation::kPROD);
    Tensor& e = ctx.tensorOf(ImportContext::scalarWeights(DataType::kFLOAT, static_cast<double>(p), ctx.rankOf(&x)));
    return elementWise(ctx, unary(ctx, x, UnaryOperation::kABS), cast(ctx, e, x.getType()), ElementWiseOperation::kPOW);
}

Tensor& root(ImportContext& ctx, Tensor& x, int64_t p) {
    if (p == 2) return unary(ctx, x, UnaryOperation::kSQRT);
    Tensor& e = ctx.tensorOf(ImportContext::scalarWeights(DataType::kFLOAT, 1.0 / static_cast<double>(p), ctx.rankOf(&x)));
    return elementWise(ctx, x, cast(ctx, e, x.getType()), ElementWiseOperation::kPOW);
}

int64_t lpOrder(const NodeAttributes& attrs) {
    const int64_t p = attrs.getInt("p", 2);
    ONNX_CHECK(p >= 1 && p <= 64, kUNSUPPORTED_NODE_ATTR) << "p=" << p << " (expected 1 to 64)";
    return p;
}

// Global pools reduce every spatial axis, keeping them as size 1.
Outputs globalPool(ImportContext& ctx, NodeInputs& inputs, ReduceOperation op) {
    const int32_t rank = inputs.rank(0);
    ONNX_CHECK(rank >= 3, kINVALID_NODE) << "input must be [N, C, spatial...], got rank " << rank;
    uint32_t mask = 0;
    for (int32_t a = 2; a < rank; ++a) mask |= 1u << a;
    return {ctx.check(ctx.network().addReduce(inputs.tensor(0), op, mask, true))->getOutput(0)};
}

// MaxPool with its Indices output: the window's positions one by one (strided slices that read
// -inf outside the input); a strictly greater value takes over, so ties keep the first position,
// and its index (flat over N, C and the spatial dims, row-major or, with storage_order=1, spatial
// dims column-major) comes from a constant per position. Needs static dims.
Outputs maxPoolWithIndices(ImportContext& ctx, Tensor& x, const NodeAttributes& attrs) {
    const std::vector<int64_t> kernel = attrs.getInts("kernel_shape");
    const size_t n = kernel.size();
    const int32_t rank = ctx.rankOf(&x);
    ONNX_CHECK(n >= 1 && static_cast<size_t>(rank) == n + 2, kINVALID_NODE)
        << "a " << n << "-D kernel for an input of rank " << rank;
    const std::vector<int64_t> strides = attrs.getInts("strides", std::vector<int64_t>(n, 1));
    std::vector<int64_t> pads = attrs.getInts("pads", std::vector<int64_t>(2 * n, 0));
    const std::vector<int64_t> dilations = attrs.getInts("dilations", std::vector<int64_t>(n, 1));
    ONNX_CHECK(strides.size() == n && pads.size() == 2 * n && dilations.size() == n, kINVALID_NODE)
        << "strides, pads and dilations must have " << n << ", " << 2 * n << " and " << n << " values";
    const std::string autoPad = attrs.getString("auto_pad", "NOTSET");
    ONNX_CHECK(autoPad == "NOTSET" || autoPad == "VALID", kUNSUPPORTED_NODE_ATTR)
        << "auto_pad='" << autoPad << "' with the Indices output";
    const bool ceil = attrs.getInt("ceil_mode", 0) != 0;
    const bool columnMajor = attrs.getInt("storage_order", 0) != 0;
    const std::vector<int64_t> dims = ctx.dimsOf(&x);
    for (int64_t d : dims) ONNX_CHECK(d >= 1, kUNSUPPORTED_NODE_DYNAMIC) << "the Indices output of a dynamic (or empty) input";
    std::vector<int64_t> out(n);
    int64_t windows = 1, outputs = mulDims(dims[0], dims[1]);
    for (size_t i = 0; i < n; ++i) {
        if (autoPad == "VALID") pads[i] = pads[i + n] = 0;
        const int64_t in = dims[i + 2], k = kernel[i], s = strides[i], d = dilations[i];
        ONNX_CHECK(k >= 1 && k <= 4096 && s >= 1 && d >= 1 && d <= (int64_t(1) << 20) && pads[i] >= 0 &&
                       pads[i + n] >= 0 && pads[i] <= (int64_t(1) << 40) && pads[i + n] <= (int64_t(1) << 40),
                   kINVALID_NODE)
            << "kernel " << k << ", stride " << s << ", dilation " << d << ", pads " << pads[i] << " and " << pads[i + n];
        const int64_t room = in + pads[i] + pads[i + n] - ((k - 1) * d + 1);
        ONNX_CHECK(room >= 0, kINVALID_NODE) << "a window of " << (k - 1) * d + 1 << " does not fit " << in
                                             << " positions and their padding";
        out[i] = (ceil ? (room + s - 1) / s : room / s) + 1;
        if (ceil && (out[i] - 1) * s >= in + pads[i]) --out[i];
        windows = mulDims(windows, k);
        outputs = mulDims(outputs, out[i]);
    }
    ONNX_CHECK(mulDims(windows, outputs) <= (int64_t(1) << 24), kUNSUPPORTED_NODE_SHAPE)
        << "Indices for " << windows << " window positions of " << outputs << " outputs";
    // Strides of the spatial dims in the flat index.
    std::vector<int64_t> spatialStride(n, 1);
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j)
            if (columnMajor ? j < i : j > i) spatialStride[i] *= dims[j + 2];
    int64_t spatial = 1;
    for (size_t i = 0; i < n; ++i) spatial *= dims[i + 2];
    std::vector<int64_t> outDims{dims[0], dims[1]};
    outDims.insert(outDims.end(), out.begin(), out.end());

    Tensor& fill = scalarConstant(ctx, x.getType(), -std::numeric_limits<double>::infinity(), 0);
    Tensor* best = nullptr;
    Tensor* bestIndex = nullptr;
    std::vector<int64_t> offset(n, 0);
    for (int64_t w = 0; w < windows; ++w) {
        int64_t rest = w;
        for (size_t i = n; i-- > 0;) {
            offset[i] = rest % kernel[i];
            rest /= kernel[i];
        }
        std::vector<ShapeScalar> start(rank, ShapeScalar{0}), size(rank);
        std::vector<int64_t> stride(rank, 1);
        size[0] = {dims[0]};
        size[1] = {dims[1]};
        for (size_t i = 0; i < n; ++i) {
            start[i + 2] = {offset[i] * dilations[i] - pads[i]};
            size[i + 2] = {out[i]};
            stride[i + 2] = strides[i];
        }
        Tensor& value = sliceLayer(ctx, x, start, size, stride, SampleMode::kFILL, &fill);
        auto indices = std::make_shared<ir::HostTensor>(ir::HostTensor::make(DataType::kINT64, outDims));
        int64_t* idx = indices->as<int64_t>();
        for (int64_t e = 0; e < outputs; ++e) {
            int64_t r = e, flat = 0;
            for (size_t i = n; i-- > 0;) {
                const int64_t o = r % out[i];
                r /= out[i];
                flat += (o * strides[i] + offset[i] * dilations[i] - pads[i]) * spatialStride[i];
            }
            idx[e] = r * spatial + flat;  // r is now n * C + c
        }
        Tensor& index = ctx.tensorOf(indices);
        if (!best) {
            best = &value;
            bestIndex = &index;
            continue;
        }
        Tensor& better = elementWise(ctx, value, *best, ElementWiseOperation::kGREATER);
        best = &select(ctx, better, value, *best);
        bestIndex = &select(ctx, better, index, *bestIndex);
    }
    return {best, bestIndex};
}

}  // namespace

KILN_ONNX_IMPORTER(MaxPool) {
    if (hasOutput(node, 1)) return maxPoolWithIndices(ctx, inputs.tensor(0), attrs);
    return {&pool(ctx, inputs.tensor(0), attrs, Window::kMAX)};
}
KILN_ONNX_IMPORTER(AveragePool) { return {&pool(ctx, inputs.tensor(0), attrs, Window::kAVERAGE)}; }

// LpPool = (sum of |x|^p over the window, zero padding)^(1/p).
KILN_ONNX_IMPORTER(LpPool) {
    const int64_t p = lpOrder(attrs);
    return {&root(ctx, pool(ctx, absPower(ctx, inputs.tensor(0), p), attrs, Window::kSUM), p)};
}

KILN_ONNX_IMPORTER(GlobalLpPool) {
    const int64_t p = lpOrder(attrs);
    const int32_t rank = inputs.rank(0);
    ONNX_CHECK(rank >= 3, kINVALID_NODE) << "input must be [N, C, spatial...], got rank " << rank;
    uint32_t mask = 0;
    for (int32_t a = 2; a < rank; ++a) mask |= 1u << a;
    Tensor& sum = *ctx.check(ctx.network().addReduce(absPower(ctx, inputs.tensor(0), p), ReduceOperation::kSUM, mask,
                                                      true))->getOutput(0);
    return {&root(ctx, sum, p)};
}
KILN_ONNX_IMPORTER(GlobalAveragePool) { return globalPool(ctx, inputs, ReduceOperation::kAVG); }
KILN_ONNX_IMPORTER(GlobalMaxPool) { return globalPool(ctx, inputs, ReduceOperation::kMAX); }

}  // namespace kiln::onnximport
