// Transpose, reshape, transpose. Input 1 (optional) gives the reshape dims as a tensor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct ShuffleOp : OpBase<ShuffleOp> {
    static constexpr const char* kName = "Shuffle";
    //! Permutations may be longer than the rank they apply to: as with TensorRT's Permutation
    //! (MAX_DIMS entries), only the first `rank` entries count. See permutationFor().
    std::vector<int64_t> firstTranspose;   //!< empty: identity
    bool hasReshape{false};
    std::vector<int64_t> reshapeDims;      //!< 0 copies the input dim (if zeroIsPlaceholder), -1 infers
    std::vector<int64_t> secondTranspose;  //!< empty: identity
    bool zeroIsPlaceholder{true};

    template <class V>
    void fields(V& v) {
        v("firstTranspose", firstTranspose);
        v("hasReshape", hasReshape);
        v("reshapeDims", reshapeDims);
        v("secondTranspose", secondTranspose);
        v("zeroIsPlaceholder", zeroIsPlaceholder);
    }
    void inferShapes(InferContext& ctx) const override;
    //! Input 1, when present, holds the reshape dims: its values decide the output shape.
    bool isShapeInput(int32_t index) const override { return index == 1; }

    //! `perm` as applied to a tensor of rank `rank`: its first `rank` entries (shape inference
    //! validates them; a shorter one is reported there).
    static std::vector<int64_t> permutationFor(const std::vector<int64_t>& perm, size_t rank) {
        if (perm.size() <= rank) return perm;
        return std::vector<int64_t>(perm.begin(), perm.begin() + static_cast<std::ptrdiff_t>(rank));
    }
};

}  // namespace kiln::ir
