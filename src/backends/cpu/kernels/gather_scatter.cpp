// Gather (DEFAULT / ELEMENT / ND) and Scatter (ELEMENT / ND). Every index is checked: an index
// out of range is a KilnError naming it, never a wild read or write.
#include <cstring>
#include <type_traits>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"
#include "backends/cpu/kernels/data_movement.h"
#include "ir/ops/gather.h"
#include "ir/ops/scatter.h"

namespace kiln::cpu {
namespace {

//! Index `i` of `indices`, checked against [-dim, dim) and made non-negative.
int64_t checkedIndex(const ir::TensorView& indices, int64_t i, int64_t dim, int32_t axis, const char* op) {
    const int64_t k = loadIndex(indices, i);
    KILN_CHECK(k >= -dim && k < dim) << op << ": index " << k << " is out of range for axis " << axis << " of size "
                                     << dim << " (expected [" << -dim << ", " << dim - 1 << "])";
    return k < 0 ? k + dim : k;
}

// out[b, p, i, q] = data[b, p, indices[b, i], q] with data [B, P, D, Q] and indices [B, I].
void gatherDefault(const ir::TensorView& data, const ir::TensorView& indices, ir::TensorView& out, int32_t axis,
                   int32_t batch, size_t es) {
    const int64_t B = productOf(data.dims, 0, batch);
    const int64_t P = productOf(data.dims, batch, axis);
    const int64_t D = data.dims[axis];
    const int64_t Q = productOf(data.dims, axis + 1, data.rank);
    const int64_t I = productOf(indices.dims, batch, indices.rank);
    const size_t chunk = static_cast<size_t>(Q) * es;
    auto* dst = static_cast<uint8_t*>(out.data);
    const auto* src = static_cast<const uint8_t*>(data.data);
    for (int64_t b = 0; b < B; ++b)
        for (int64_t p = 0; p < P; ++p)
            for (int64_t i = 0; i < I; ++i) {
                const int64_t k = checkedIndex(indices, b * I + i, D, axis, "Gather");
                if (chunk) std::memcpy(dst, src + (((b * P + p) * D + k) * Q) * es, chunk);
                dst += chunk;
            }
}

//! Calls fn(linear index, multi-index) over every element of `dims` in row-major order.
template <class Fn>
void forEachIndex(int32_t rank, const int64_t* dims, Fn&& fn) {
    const int64_t total = productOf(dims, 0, rank);
    int64_t idx[Dims::MAX_DIMS]{};
    for (int64_t n = 0; n < total; ++n) {
        fn(n, idx);
        for (int32_t d = rank - 1; d >= 0; --d) {
            if (++idx[d] < dims[d]) break;
            idx[d] = 0;
        }
    }
}

//! For ELEMENT modes: the indices tensor may be smaller than data on the non-axis dims, never larger.
void checkElementShapes(const ir::TensorView& data, const ir::TensorView& indices, int32_t axis, const char* op) {
    KILN_CHECK(indices.rank == data.rank) << op << ": indices rank " << indices.rank << " != data rank " << data.rank;
    for (int32_t d = 0; d < data.rank; ++d)
        KILN_CHECK(d == axis || indices.dims[d] <= data.dims[d])
            << op << ": indices shape " << ir::dimsToString(indices.shape()) << " exceeds data shape "
            << ir::dimsToString(data.shape()) << " at axis " << d;
}

void gatherElements(const ir::TensorView& data, const ir::TensorView& indices, ir::TensorView& out, int32_t axis,
                    size_t es) {
    checkElementShapes(data, indices, axis, "Gather");
    int64_t strides[Dims::MAX_DIMS];
    rowMajorStrides(data.rank, data.dims, strides);
    auto* dst = static_cast<uint8_t*>(out.data);
    const auto* src = static_cast<const uint8_t*>(data.data);
    forEachIndex(indices.rank, indices.dims, [&](int64_t n, const int64_t* idx) {
        int64_t offset = 0;
        for (int32_t d = 0; d < data.rank; ++d)
            offset += (d == axis ? checkedIndex(indices, n, data.dims[axis], axis, "Gather") : idx[d]) * strides[d];
        copyElement(dst + n * es, src + offset * static_cast<int64_t>(es), es);
    });
}

//! Offset (in elements) into data of the k-tuple of indices starting at `tuple`, below batch dims.
int64_t ndOffset(const ir::TensorView& data, const ir::TensorView& indices, int64_t tuple, int32_t batch, int64_t k,
                 const char* op) {
    int64_t offset = 0;
    for (int64_t j = 0; j < k; ++j) {
        const int32_t axis = batch + static_cast<int32_t>(j);
        offset = offset * data.dims[axis] + checkedIndex(indices, tuple + j, data.dims[axis], axis, op);
    }
    return offset;
}

// data [B, D_b..D_{b+k-1}, R], indices [B, M, k]: out[b, m, :] = data[b, indices[b, m, :], :].
void gatherNd(const ir::TensorView& data, const ir::TensorView& indices, ir::TensorView& out, int32_t batch,
              size_t es) {
    const int64_t k = indices.dims[indices.rank - 1];
    KILN_CHECK(batch + k <= data.rank) << "Gather: index tuples of " << k << " for data rank " << data.rank;
    const int64_t B = productOf(data.dims, 0, batch);
    const int64_t inner = productOf(data.dims, batch, batch + static_cast<int32_t>(k));
    const int64_t R = productOf(data.dims, batch + static_cast<int32_t>(k), data.rank);
    const int64_t M = productOf(indices.dims, batch, indices.rank - 1);
    const size_t chunk = static_cast<size_t>(R) * es;
    auto* dst = static_cast<uint8_t*>(out.data);
    const auto* src = static_cast<const uint8_t*>(data.data);
    for (int64_t b = 0; b < B; ++b)
        for (int64_t m = 0; m < M; ++m) {
            const int64_t off = ndOffset(data, indices, (b * M + m) * k, batch, k, "Gather");
            if (chunk) std::memcpy(dst, src + ((b * inner + off) * R) * es, chunk);
            dst += chunk;
        }
}

void runGather(KernelArgs& a) {
    const auto& op = a.opAs<ir::GatherOp>();
    const ir::TensorView& data = a.inputs[0];
    const ir::TensorView& indices = a.inputs[1];
    ir::TensorView& out = a.outputs[0];
    const size_t es = elementSize(data);
    const int32_t batch = static_cast<int32_t>(op.nbElementWiseDims);
    KILN_CHECK(batch >= 0 && batch <= indices.rank && batch <= data.rank)
        << "Gather: nbElementWiseDims " << batch << " out of range";
    for (int32_t d = 0; d < batch; ++d)
        KILN_CHECK(data.dims[d] == indices.dims[d])
            << "Gather: element-wise dimension " << d << " differs: data shape " << ir::dimsToString(data.shape())
            << ", indices shape " << ir::dimsToString(indices.shape());
    switch (op.mode) {
        case GatherMode::kDEFAULT: {
            const int32_t axis = normalizedAxis(op.axis, data.rank, "Gather");
            KILN_CHECK(batch <= axis) << "Gather: nbElementWiseDims " << batch << " exceeds axis " << axis;
            gatherDefault(data, indices, out, axis, batch, es);
            break;
        }
        case GatherMode::kELEMENT:
            gatherElements(data, indices, out, normalizedAxis(op.axis, data.rank, "Gather"), es);
            break;
        case GatherMode::kND:
            KILN_CHECK(indices.rank >= 1 && batch < indices.rank) << "Gather: bad indices rank " << indices.rank;
            gatherNd(data, indices, out, batch, es);
            break;
        default:
            KILN_CHECK(false) << "Gather: unknown mode " << static_cast<int32_t>(op.mode);
    }
}

//! Writes `count` updates at dst: copies them (NONE) or combines them with what is there.
class ScatterWriter {
public:
    ScatterWriter(DataType type, ScatterReduction reduction) : mType(type), mReduction(reduction) {
        mElementSize = dataTypeSize(type);
        KILN_CHECK(reduction == ScatterReduction::kNONE || type != DataType::kBOOL)
            << "Scatter: a reduction of bool data is not supported";
    }
    void write(uint8_t* dst, const uint8_t* src, int64_t count) const {
        if (mReduction == ScatterReduction::kNONE) {
            if (count) std::memcpy(dst, src, static_cast<size_t>(count) * mElementSize);
            return;
        }
        dispatchType(mType, [&](auto tag) {
            using T = typename decltype(tag)::type;
            if constexpr (!std::is_same_v<T, Bool>) {
                T* d = reinterpret_cast<T*>(dst);
                const T* u = reinterpret_cast<const T*>(src);
                for (int64_t i = 0; i < count; ++i) store(d, i, combine(load(d, i), load(u, i)));
            }
        });
    }

private:
    // Integer sums and products wrap (through uint64), as the element-wise ops do.
    template <class C>
    C combine(C x, C y) const {
        if constexpr (std::is_integral_v<C>) {
            const auto ux = static_cast<uint64_t>(static_cast<int64_t>(x));
            const auto uy = static_cast<uint64_t>(static_cast<int64_t>(y));
            if (mReduction == ScatterReduction::kSUM) return static_cast<C>(ux + uy);
            if (mReduction == ScatterReduction::kPROD) return static_cast<C>(ux * uy);
        }
        switch (mReduction) {
            case ScatterReduction::kSUM: return static_cast<C>(x + y);
            case ScatterReduction::kPROD: return static_cast<C>(x * y);
            case ScatterReduction::kMAX: return x > y || x != x ? x : y;
            case ScatterReduction::kMIN: return x < y || x != x ? x : y;
            default: return y;
        }
    }
    DataType mType;
    ScatterReduction mReduction;
    size_t mElementSize{0};
};

void runScatter(KernelArgs& a) {
    const auto& op = a.opAs<ir::ScatterOp>();
    const ir::TensorView& data = a.inputs[0];
    const ir::TensorView& indices = a.inputs[1];
    const ir::TensorView& updates = a.inputs[2];
    ir::TensorView& out = a.outputs[0];
    const size_t es = elementSize(data);
    KILN_CHECK(updates.type == data.type) << "Scatter: updates type differs from data type";
    const ScatterWriter writer(data.type, op.reduction);
    if (data.numel()) std::memcpy(out.data, data.data, data.bytes());
    auto* dst = static_cast<uint8_t*>(out.data);
    const auto* upd = static_cast<const uint8_t*>(updates.data);
    if (op.mode == ScatterMode::kELEMENT) {
        const int32_t axis = normalizedAxis(op.axis, data.rank, "Scatter");
        checkElementShapes(data, indices, axis, "Scatter");
        KILN_CHECK(updates.shape() == indices.shape()) << "Scatter: updates shape " << ir::dimsToString(updates.shape())
                                                       << " != indices shape " << ir::dimsToString(indices.shape());
        int64_t strides[Dims::MAX_DIMS];
        rowMajorStrides(data.rank, data.dims, strides);
        forEachIndex(indices.rank, indices.dims, [&](int64_t n, const int64_t* idx) {
            int64_t offset = 0;
            for (int32_t d = 0; d < data.rank; ++d)
                offset +=
                    (d == axis ? checkedIndex(indices, n, data.dims[axis], axis, "Scatter") : idx[d]) * strides[d];
            writer.write(dst + offset * static_cast<int64_t>(es), upd + n * es, 1);
        });
        return;
    }
    KILN_CHECK(op.mode == ScatterMode::kND) << "Scatter: unknown mode " << static_cast<int32_t>(op.mode);
    KILN_CHECK(indices.rank >= 1) << "Scatter: indices must have at least 1 dimension";
    const int64_t k = indices.dims[indices.rank - 1];
    KILN_CHECK(k <= data.rank) << "Scatter: index tuples of " << k << " for data rank " << data.rank;
    const int64_t M = productOf(indices.dims, 0, indices.rank - 1);
    const int64_t R = productOf(data.dims, static_cast<int32_t>(k), data.rank);
    KILN_CHECK(updates.numel() == M * R) << "Scatter: updates has " << updates.numel() << " elements, expected "
                                         << M * R;
    const size_t chunk = static_cast<size_t>(R) * es;
    for (int64_t m = 0; m < M; ++m) {
        const int64_t off = ndOffset(data, indices, m * k, 0, k, "Scatter");
        writer.write(dst + off * R * static_cast<int64_t>(es), upd + m * chunk, R);
    }
}

Tactic reference(void (*run)(KernelArgs&)) {
    Tactic t;
    t.name = "reference";
    t.run = run;
    return t;
}

KILN_REGISTER_CPU_TACTIC("Gather", reference(runGather));
KILN_REGISTER_CPU_TACTIC("Scatter", reference(runScatter));

}  // namespace
}  // namespace kiln::cpu
