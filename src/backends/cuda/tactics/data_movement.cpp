// CUDA tactics of the ops that only move elements: Shuffle, Concatenation, Slice, Squeeze,
// Unsqueeze, Shape and Padding. They copy by element size, so every type of 1, 2, 4 or 8 bytes
// is supported, exactly as the CPU reference moves bytes.
#include <string>
#include <vector>

#include "backends/cuda/kernels/data_movement.h"
#include "backends/cuda/tactic.h"
#include "core/status.h"
#include "ir/ops/concatenation.h"
#include "ir/ops/padding.h"
#include "ir/ops/shape.h"
#include "ir/ops/shuffle.h"
#include "ir/ops/slice.h"
#include "ir/ops/squeeze.h"
#include "ir/ops/unsqueeze.h"

namespace kiln::cuda {
namespace {

bool movable(DataType t) { return movableElementSize(dataTypeSize(t)); }

bool firstInputMovable(const ir::Op&, const std::vector<ir::ValueInfo>& in) { return !in.empty() && movable(in[0].type); }

void checkStatus(const KernelArgs& a, int status, const char* kernel) {
    if (status == cudaSuccess) return;
    const std::string what = std::string(a.op->name()) + ": " + kernel;
    check(status, what.c_str());
}

// ---- Shuffle ----

bool isIdentity(const std::vector<int64_t>& perm) {
    for (size_t i = 0; i < perm.size(); ++i)
        if (perm[i] != static_cast<int64_t>(i)) return false;
    return true;
}

void checkPerm(const std::vector<int64_t>& perm, int32_t rank) {
    KILN_CHECK(perm.size() == static_cast<size_t>(rank))
        << "Shuffle: permutation of " << perm.size() << " entries for rank " << rank;
    for (int64_t p : perm) KILN_CHECK(p >= 0 && p < rank) << "Shuffle: permutation entry " << p << " for rank " << rank;
}

//! The layout whose dim i is dim perm[i] of `src` (a transpose read through src's strides).
Layout permuted(const Layout& src, const std::vector<int64_t>& perm) {
    Layout l;
    l.rank = src.rank;
    for (int32_t i = 0; i < src.rank; ++i) {
        l.dims[i] = src.dims[perm[i]];
        l.strides[i] = src.strides[perm[i]];
    }
    return l;
}

void runShuffle(KernelArgs& a) {
    const auto& op = a.opAs<ir::ShuffleOp>();
    const ir::TensorView& in = a.inputs[0];
    ir::TensorView& out = a.outputs[0];
    const size_t es = dataTypeSize(in.type);
    KILN_CHECK(in.numel() == out.numel() && in.type == out.type)
        << "Shuffle: input of " << in.numel() << " elements, output of " << out.numel();
    const std::vector<int64_t> firstPerm = ir::ShuffleOp::permutationFor(op.firstTranspose, in.rank);
    const std::vector<int64_t> secondPerm = ir::ShuffleOp::permutationFor(op.secondTranspose, out.rank);
    const bool first = !firstPerm.empty() && !isIdentity(firstPerm);
    const bool second = !secondPerm.empty() && !isIdentity(secondPerm);
    if (first) checkPerm(firstPerm, in.rank);
    if (second) checkPerm(secondPerm, out.rank);
    if (in.numel() == 0) return;

    // The reshaped dims (before the second transpose): out[i] = reshaped[perm[i]].
    int64_t reshaped[kMaxRank];
    for (int32_t i = 0; i < out.rank; ++i) reshaped[i] = out.dims[i];
    if (second)
        for (int32_t i = 0; i < out.rank; ++i) reshaped[secondPerm[i]] = out.dims[i];

    int status;
    if (!first && !second) {
        status = launchCopy(out.data, in.data, in.bytes(), a.stream);
    } else if (first && !second) {
        // The transposed dims hold the same row-major order as the output's.
        status = launchStridedCopy(out.data, in.data, permuted(denseLayout(in.rank, in.dims), firstPerm), es, a.stream);
    } else if (!first) {
        status = launchStridedCopy(out.data, in.data, permuted(denseLayout(out.rank, reshaped), secondPerm), es,
                                   a.stream);
    } else {
        // Output index -> linear index of the reshaped (= first-transposed) tensor -> input offset.
        status = launchStridedCopy2(out.data, in.data, permuted(denseLayout(out.rank, reshaped), secondPerm),
                                    permuted(denseLayout(in.rank, in.dims), firstPerm), es, a.stream);
    }
    checkStatus(a, status, "strided copy");
}

// ---- Concatenation ----

bool concatSupports(const ir::Op&, const std::vector<ir::ValueInfo>& in) {
    for (const auto& v : in)
        if (!movable(v.type)) return false;
    return !in.empty();
}

void runConcatenation(KernelArgs& a) {
    const auto& op = a.opAs<ir::ConcatenationOp>();
    ir::TensorView& out = a.outputs[0];
    KILN_CHECK(out.rank >= 1 && op.axis >= -out.rank && op.axis < out.rank)
        << "Concatenation: axis " << op.axis << " is out of range for rank " << out.rank;
    const int32_t axis = static_cast<int32_t>(op.axis < 0 ? op.axis + out.rank : op.axis);
    const int64_t elem = static_cast<int64_t>(dataTypeSize(out.type));
    int64_t outer = 1, inner = 1;
    for (int32_t d = 0; d < axis; ++d) outer *= out.dims[d];
    for (int32_t d = axis + 1; d < out.rank; ++d) inner *= out.dims[d];
    std::vector<int64_t> block(a.inputs.size());
    int64_t rowBytes = 0;
    for (size_t k = 0; k < a.inputs.size(); ++k) {
        const ir::TensorView& in = a.inputs[k];
        KILN_CHECK(in.rank == out.rank && in.type == out.type)
            << "Concatenation: input " << k << " " << ir::dimsToString(in.shape()) << " does not match output "
            << ir::dimsToString(out.shape());
        block[k] = in.dims[axis] * inner * elem;
        rowBytes += block[k];
    }
    KILN_CHECK(static_cast<size_t>(rowBytes * outer) == out.bytes())
        << "Concatenation: inputs do not fill the output " << ir::dimsToString(out.shape());
    int64_t column = 0;
    for (size_t k = 0; k < a.inputs.size(); ++k) {
        if (block[k] == 0 || outer == 0) continue;
        checkStatus(a,
                    launchCopy2D(static_cast<uint8_t*>(out.data) + column, rowBytes, a.inputs[k].data, block[k],
                                 block[k], outer, a.stream),
                    "2-D copy");
        column += block[k];
    }
}

// ---- Slice ----

bool sliceSupports(const ir::Op& op, const std::vector<ir::ValueInfo>& in) {
    const auto mode = static_cast<int32_t>(static_cast<const ir::SliceOp&>(op).mode);
    return firstInputMovable(op, in) && mode >= 0 && mode <= static_cast<int32_t>(SampleMode::kREFLECT);
}

//! Host value k of a sliced-axis parameter (the attribute, else `fallback`), checked like the reference.
int64_t attrParam(const std::vector<int64_t>& attr, size_t count, size_t k, int64_t fallback, const char* what) {
    if (attr.empty()) return fallback;
    KILN_CHECK(attr.size() == count) << "Slice: " << what << " has " << attr.size() << " values, expected " << count;
    return attr[k];
}

bool isIndexType(DataType t) { return t == DataType::kINT32 || t == DataType::kINT64; }

void runSlice(KernelArgs& a) {
    const auto& op = a.opAs<ir::SliceOp>();
    const ir::TensorView& in = a.inputs[0];
    ir::TensorView& out = a.outputs[0];
    const size_t es = dataTypeSize(in.type);
    const int32_t rank = in.rank;
    KILN_CHECK(out.rank == rank && out.type == in.type)
        << "Slice: output rank " << out.rank << " differs from input rank " << rank;

    SliceParams p;
    p.rank = rank;
    p.mode = static_cast<int32_t>(op.mode);
    p.nbAxes = rank;
    if (a.has(5)) {
        KILN_CHECK(isIndexType(a.inputs[5].type) && a.inputs[5].numel() <= rank)
            << "Slice: axes must be at most " << rank << " int32/int64 values";
        p.nbAxes = static_cast<int32_t>(a.inputs[5].numel());
        p.axesPtr = a.inputs[5].data;
        p.axesIs64 = a.inputs[5].type == DataType::kINT64;
    }
    const size_t count = static_cast<size_t>(p.nbAxes);
    auto deviceParam = [&](size_t index, const char* what, const void*& ptr, int32_t& is64) {
        if (!a.has(index)) return;
        const ir::TensorView& v = a.inputs[index];
        KILN_CHECK(isIndexType(v.type) && v.numel() == static_cast<int64_t>(count))
            << "Slice: " << what << " has " << v.numel() << " values, expected " << count << " int32/int64";
        ptr = v.data;
        is64 = v.type == DataType::kINT64;
    };
    deviceParam(1, "start", p.startPtr, p.startIs64);
    deviceParam(3, "stride", p.stridePtr, p.strideIs64);
    for (size_t k = 0; k < count; ++k) {
        if (!p.startPtr) p.startK[k] = attrParam(op.start, count, k, 0, "start");
        if (!p.stridePtr) p.strideK[k] = attrParam(op.stride, count, k, 1, "stride");
        KILN_CHECK(p.stridePtr || p.strideK[k] != 0) << "Slice: stride 0 on axis " << k;
    }
    if (a.has(4)) {
        KILN_CHECK(a.inputs[4].type == in.type && a.inputs[4].numel() == 1)
            << "Slice: the fill value must be one element of the input's type";
        p.fillPtr = a.inputs[4].data;
    }
    int64_t total = 1;
    for (int32_t d = 0; d < rank; ++d) {
        p.outDims[d] = out.dims[d];
        p.inDims[d] = in.dims[d];
        total *= out.dims[d];
    }
    if (total == 0) return;

    // Every parameter known here: check bounds as the reference does, and when every sample is
    // inside the input the slice is a plain strided copy.
    if (!p.axesPtr && !p.startPtr && !p.stridePtr) {
        Layout l = denseLayout(rank, in.dims);
        int64_t base = 0;
        bool inside = true;
        for (int32_t d = 0; d < rank; ++d) {
            const int64_t first = p.startK[d], last = first + (out.dims[d] - 1) * p.strideK[d];
            const bool ok = first >= 0 && first < in.dims[d] && last >= 0 && last < in.dims[d];
            KILN_CHECK(ok || op.mode == SampleMode::kFILL || in.dims[d] > 0)
                << "Slice: axis " << d << " has size 0, nothing to sample from";
            KILN_CHECK(ok || op.mode != SampleMode::kSTRICT_BOUNDS)
                << "Slice: index " << (first < 0 || first >= in.dims[d] ? first : last) << " is out of bounds for axis "
                << d << " of size " << in.dims[d] << " in mode kSTRICT_BOUNDS";
            inside &= ok;
            base += first * l.strides[d];
            l.dims[d] = out.dims[d];
            l.strides[d] *= p.strideK[d];
        }
        if (inside) {
            checkStatus(a,
                        launchStridedCopy(out.data, static_cast<const uint8_t*>(in.data) + base * int64_t(es), l, es,
                                          a.stream),
                        "strided copy");
            return;
        }
    }
    checkStatus(a, launchSlice(out.data, in.data, p, es, a.stream), "slice");
}

// ---- Squeeze, Unsqueeze, Shape, Padding ----

void runCopy(KernelArgs& a) {
    const ir::TensorView& in = a.inputs[0];
    ir::TensorView& out = a.outputs[0];
    KILN_CHECK(in.numel() == out.numel() && in.type == out.type)
        << a.op->name() << ": copy of " << in.numel() << " elements into " << out.numel();
    checkStatus(a, launchCopy(out.data, in.data, in.bytes(), a.stream), "copy");
}

bool shapeSupports(const ir::Op&, const std::vector<ir::ValueInfo>& in) { return in.size() == 1; }

void runShape(KernelArgs& a) {
    const ir::TensorView& in = a.inputs[0];
    ir::TensorView& out = a.outputs[0];
    KILN_CHECK((out.type == DataType::kINT64 || out.type == DataType::kINT32) && out.numel() == in.rank)
        << "Shape: output must be int64 with " << in.rank << " elements";
    checkStatus(a, launchShape(out.data, in.rank, in.dims, out.type == DataType::kINT64, a.stream), "shape");
}

void runPadding(KernelArgs& a) {
    const auto& op = a.opAs<ir::PaddingOp>();
    const ir::TensorView& x = a.inputs[0];
    ir::TensorView& y = a.outputs[0];
    const int32_t rank = x.rank;
    const int32_t n = static_cast<int32_t>(op.prePadding.size());
    KILN_CHECK(n <= rank && y.rank == rank && y.type == x.type)
        << "Padding: " << n << " padded dims for input rank " << rank;
    int64_t pre[kMaxRank]{};
    for (int32_t i = 0; i < n; ++i) pre[rank - n + i] = op.prePadding[i];
    checkStatus(a, launchPadding(y.data, x.data, denseLayout(rank, y.dims), x.dims, pre, dataTypeSize(x.type), a.stream),
                "padding");
}

KILN_REGISTER_CUDA_TACTIC("Shuffle", simpleTactic("cuda_shuffle", firstInputMovable, runShuffle));
KILN_REGISTER_CUDA_TACTIC("Concatenation", simpleTactic("cuda_concatenation", concatSupports, runConcatenation));
KILN_REGISTER_CUDA_TACTIC("Slice", simpleTactic("cuda_slice", sliceSupports, runSlice));
KILN_REGISTER_CUDA_TACTIC("Squeeze", simpleTactic("cuda_copy", firstInputMovable, runCopy));
KILN_REGISTER_CUDA_TACTIC("Unsqueeze", simpleTactic("cuda_copy", firstInputMovable, runCopy));
KILN_REGISTER_CUDA_TACTIC("Shape", simpleTactic("cuda_shape", shapeSupports, runShape));
KILN_REGISTER_CUDA_TACTIC("Padding", simpleTactic("cuda_padding", firstInputMovable, runPadding));

}  // namespace
}  // namespace kiln::cuda
