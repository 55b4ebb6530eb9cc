// Assertion: fails execution with `message` if any element of the bool input is false.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct AssertionOp : OpBase<AssertionOp> {
    static constexpr const char* kName = "Assertion";
    std::string message;

    template <class V>
    void fields(V& v) { v("message", message); }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
