// Window arithmetic shared by Convolution, Deconvolution and Pooling: TensorRT's output-size and
// padding formulas, written once with DimExpr so that shape inference (symbolic) and kernels
// (concrete dims, folded to constants) agree exactly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/data_types.h"
#include "ir/op.h"
#include "ir/ops/fused_activation.h"
#include "kiln/types.h"

namespace kiln::ir {

//! One spatial axis of a forward window op: output size and the resolved leading padding.
struct WindowAxis {
    DimExpr out;
    DimExpr pre;
};

inline bool isValidPaddingMode(PaddingMode m) {
    return static_cast<int32_t>(m) >= 0 && static_cast<int32_t>(m) <= static_cast<int32_t>(PaddingMode::kSAME_LOWER);
}

//! Per-axis attribute vector: empty means `fallback` on every axis; otherwise it must have `n` values.
inline std::vector<int64_t> spatialAttr(const std::string& node, const char* what, const std::vector<int64_t>& v,
                                        size_t n, int64_t fallback) {
    if (v.empty()) return std::vector<int64_t>(n, fallback);
    KILN_CHECK(v.size() == n) << node << ": " << what << " has " << v.size() << " values, expected " << n
                              << " (one per spatial dimension) or none";
    return v;
}

//! Stride, dilation and padding of a window op, one value per spatial axis, validated.
struct WindowAttrs {
    std::vector<int64_t> stride, dilation, pre, post;
};

inline WindowAttrs windowAttrs(const std::string& node, size_t n, const std::vector<int64_t>& stride,
                               const std::vector<int64_t>& dilation, const std::vector<int64_t>& pre,
                               const std::vector<int64_t>& post, PaddingMode mode) {
    KILN_CHECK(isValidPaddingMode(mode)) << node << ": invalid padding mode " << static_cast<int32_t>(mode);
    WindowAttrs a{spatialAttr(node, "stride", stride, n, 1), spatialAttr(node, "dilation", dilation, n, 1),
                  spatialAttr(node, "prePadding", pre, n, 0), spatialAttr(node, "postPadding", post, n, 0)};
    for (size_t i = 0; i < n; ++i) {
        KILN_CHECK(a.stride[i] >= 1) << node << ": stride must be >= 1, got " << dimsToString(a.stride);
        KILN_CHECK(a.dilation[i] >= 1) << node << ": dilation must be >= 1, got " << dimsToString(a.dilation);
        KILN_CHECK(a.pre[i] >= 0 && a.post[i] >= 0) << node << ": padding must be >= 0, got prePadding "
                                                    << dimsToString(a.pre) << " postPadding " << dimsToString(a.post);
    }
    return a;
}

//! Convolution / pooling output size (TensorRT's IConvolutionLayer/IPoolingLayer formulas).
//! `dk` is the dilated kernel extent 1 + d*(k-1). For pooling in round-up mode the last window
//! must start inside the input or the leading padding (ONNX ceil_mode, PyTorch).
inline WindowAxis forwardWindowAxis(PaddingMode mode, const DimExpr& in, int64_t dk, int64_t s, int64_t pre,
                                    int64_t post, bool pooling) {
    if (mode == PaddingMode::kSAME_UPPER || mode == PaddingMode::kSAME_LOWER) {
        DimExpr out = ceilDiv(in, s);
        DimExpr total = max(DimExpr(0), (out - 1) * s + dk - in);
        DimExpr half = floorDiv(total, 2);
        return {out, mode == PaddingMode::kSAME_UPPER ? half : total - half};
    }
    DimExpr span = in + pre + post - dk;
    if (mode == PaddingMode::kEXPLICIT_ROUND_DOWN) return {floorDiv(span, s) + 1, pre};
    DimExpr out = ceilDiv(span, s) + 1;
    if (pooling) out = out - min(DimExpr(1), max(DimExpr(0), (out - 1) * s - (in + pre) + 1));
    return {out, pre};
}

//! Deconvolution output size (IDeconvolutionLayer): explicit padding trims the full output;
//! SAME modes give in*stride with padding dk - stride split as for convolution.
inline WindowAxis deconvWindowAxis(PaddingMode mode, const DimExpr& in, int64_t dk, int64_t s, int64_t pre,
                                   int64_t post) {
    if (mode == PaddingMode::kSAME_UPPER || mode == PaddingMode::kSAME_LOWER) {
        int64_t total = dk - s;
        int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);  // floor(total / 2)
        return {in * s, DimExpr(mode == PaddingMode::kSAME_UPPER ? half : total - half)};
    }
    return {(in - 1) * s + dk - pre - post, pre};
}

//! False only when both dims are known and differ (symbolic dims are checked again at run time).
inline bool dimsMayMatch(const DimExpr& a, const DimExpr& b) {
    return !(a.isConst() && b.isConst()) || a.value() == b.value();
}

// Checks that Convolution and Deconvolution share (spatial.cpp).

//! Input count, float types, ranks and groups; returns the number of spatial dims.
//! `weightLayout` names the weights' dims in messages ("[K, C/groups, kernel...]").
//! `maxInputs`: 3 (input, weights, bias), 4 for Convolution (a fused residual).
int32_t checkConvInputs(const InferContext& ctx, const char* opName, const std::vector<int64_t>& kernelSize,
                        int64_t nbGroups, const char* weightLayout, int32_t maxInputs = 3);
//! The kernel's spatial dims, read from the weights (they must be known), checked against kernelSize.
std::vector<int64_t> kernelDimsOf(const InferContext& ctx, const std::vector<int64_t>& kernelSize, int32_t ns);
//! Optional input 2: a float bias of shape [k].
void checkConvBias(const InferContext& ctx, const DimExpr& k);

}  // namespace kiln::ir
