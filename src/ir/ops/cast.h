// Cast between the supported types (float to int truncates toward zero; to bool is != 0).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct CastOp : OpBase<CastOp> {
    static constexpr const char* kName = "Cast";
    DataType toType{DataType::kFLOAT};

    template <class V>
    void fields(V& v) { v("toType", toType); }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
