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
};

}  // namespace kiln::ir
