// Slice: out[i] = in[start + i * stride]. Optional inputs 1..5: start, size, stride, fill value
// (kFILL), axes. Out-of-bounds samples follow `mode`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct SliceOp : OpBase<SliceOp> {
    static constexpr const char* kName = "Slice";
    std::vector<int64_t> start, size, stride;
    SampleMode mode{SampleMode::kSTRICT_BOUNDS};

    template <class V>
    void fields(V& v) {
        v("start", start);
        v("size", size);
        v("stride", stride);
        v("mode", mode);
    }
    void inferShapes(InferContext& ctx) const override;
    bool isShapeInput(int32_t index) const override { return index == 2 || index == 5; }
};

//! Where output position `o` of an axis of size `dim` samples the input under `mode`; -1 when
//! it samples nothing (the fill value, or out of bounds in kSTRICT_BOUNDS, or an empty axis).
//! Shape-value folding and the CPU kernel share this mapping.
int64_t sliceSampleIndex(SampleMode mode, int64_t start, int64_t stride, int64_t o, int64_t dim);

}  // namespace kiln::ir
