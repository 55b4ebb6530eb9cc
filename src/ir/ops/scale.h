// y = (x * scale + shift) ^ power. Inputs: x, shift, scale, power (each optional, a constant of 1,
// C or x-shaped elements per mode).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct ScaleOp : OpBase<ScaleOp> {
    static constexpr const char* kName = "Scale";
    ScaleMode mode{ScaleMode::kUNIFORM};
    int64_t channelAxis{1};

    template <class V>
    void fields(V& v) {
        v("mode", mode);
        v("channelAxis", channelAxis);
    }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
