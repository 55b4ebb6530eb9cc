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
    int64_t saturate{1};  //!< to 8-bit floats: out of range gives the largest value (1) or Inf/NaN (0)
    int64_t bitCast{0};   //!< 1: the bits are kept (ONNX BitCast); the types have one element size
    int64_t e8m0Rounding{0};  //!< to E8M0: an E8M0Rounding (up, down, nearest; ONNX round_mode)

    template <class V>
    void fields(V& v) {
        v("toType", toType);
        v("saturate", saturate);
        v("bitCast", bitCast);
        v("e8m0Rounding", e8m0Rounding);
    }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
