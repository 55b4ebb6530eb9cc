// Shuffle: transpose, reshape (a no-op on row-major bytes), transpose. Moves bytes, so every type.
#include "ir/ops/shuffle.h"

#include <cstring>
#include <vector>

#include "backends/cpu/kernel.h"
#include "backends/cpu/kernels/data_movement.h"

namespace kiln::cpu {
namespace {

void checkPerm(const std::vector<int64_t>& perm, int32_t rank) {
    KILN_CHECK(perm.size() == static_cast<size_t>(rank))
        << "Shuffle: permutation of " << perm.size() << " entries for rank " << rank;
    for (int64_t p : perm) KILN_CHECK(p >= 0 && p < rank) << "Shuffle: permutation entry " << p << " for rank " << rank;
}

bool isIdentity(const std::vector<int64_t>& perm) {
    for (size_t i = 0; i < perm.size(); ++i)
        if (perm[i] != static_cast<int64_t>(i)) return false;
    return true;
}

//! dst[i0..] = src[...] with dst dim i = src dim perm[i].
void transpose(void* dst, const void* src, int32_t rank, const int64_t* srcDims, const std::vector<int64_t>& perm,
               size_t elemSize) {
    checkPerm(perm, rank);
    int64_t srcStrides[Dims::MAX_DIMS];
    rowMajorStrides(rank, srcDims, srcStrides);
    int64_t dims[Dims::MAX_DIMS], strides[Dims::MAX_DIMS];
    for (int32_t i = 0; i < rank; ++i) {
        dims[i] = srcDims[perm[i]];
        strides[i] = srcStrides[perm[i]];
    }
    stridedCopy(dst, src, rank, dims, strides, elemSize);
}

void runShuffle(KernelArgs& a) {
    const auto& op = a.opAs<ir::ShuffleOp>();
    const ir::TensorView& in = a.inputs[0];
    ir::TensorView& out = a.outputs[0];
    const size_t es = elementSize(in);
    KILN_CHECK(in.numel() == out.numel())
        << "Shuffle: input of " << in.numel() << " elements, output of " << out.numel();
    const std::vector<int64_t> firstPerm = ir::ShuffleOp::permutationFor(op.firstTranspose, in.rank);
    const std::vector<int64_t> secondPerm = ir::ShuffleOp::permutationFor(op.secondTranspose, out.rank);
    const bool first = !firstPerm.empty() && !isIdentity(firstPerm);
    const bool second = !secondPerm.empty() && !isIdentity(secondPerm);
    if (in.numel() == 0) return;

    // The reshaped dims (before the second transpose) follow from the output: out[i] = reshaped[perm[i]].
    int64_t reshaped[Dims::MAX_DIMS];
    for (int32_t i = 0; i < out.rank; ++i) reshaped[i] = out.dims[i];
    if (second) {
        checkPerm(secondPerm, out.rank);
        for (int32_t i = 0; i < out.rank; ++i) reshaped[secondPerm[i]] = out.dims[i];
    }

    if (!first && !second) {
        std::memcpy(out.data, in.data, in.bytes());
    } else if (first && !second) {
        transpose(out.data, in.data, in.rank, in.dims, firstPerm, es);
    } else if (!first && second) {
        transpose(out.data, in.data, out.rank, reshaped, secondPerm, es);
    } else {
        std::vector<uint8_t> tmp(in.bytes());
        transpose(tmp.data(), in.data, in.rank, in.dims, firstPerm, es);
        transpose(out.data, tmp.data(), out.rank, reshaped, secondPerm, es);
    }
}

Tactic shuffleReference() {
    Tactic t;
    t.name = "reference";
    t.run = runShuffle;
    return t;
}

KILN_REGISTER_CPU_TACTIC("Shuffle", shuffleReference());

}  // namespace
}  // namespace kiln::cpu
