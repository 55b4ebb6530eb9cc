// Zero padding of the trailing dims.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct PaddingOp : OpBase<PaddingOp> {
    static constexpr const char* kName = "Padding";
    std::vector<int64_t> prePadding, postPadding;  //!< for the trailing dims; negative crops

    template <class V>
    void fields(V& v) {
        v("prePadding", prePadding);
        v("postPadding", postPadding);
    }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
