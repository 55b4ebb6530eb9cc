// Layer/instance/group normalization: mean and variance over `axes`; with nbGroups > 1 the
// channel axis (1) is split into groups that are normalised separately (group norm).
// Inputs: x, scale, bias (broadcast against x).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/op.h"
#include "kiln/types.h"

namespace kiln::ir {

struct NormalizationOp : OpBase<NormalizationOp> {
    static constexpr const char* kName = "Normalization";
    std::vector<int64_t> axes;
    double epsilon{1e-5};
    int64_t nbGroups{1};

    template <class V>
    void fields(V& v) {
        v("axes", axes);
        v("epsilon", epsilon);
        v("nbGroups", nbGroups);
    }
    void inferShapes(InferContext& ctx) const override;
};

}  // namespace kiln::ir
