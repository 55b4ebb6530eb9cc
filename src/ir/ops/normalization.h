// Layer/instance/group normalization: y = (x - mean) / sqrt(var + epsilon) * scale + bias, with the
// population variance. Inputs: x, scale, bias (scale and bias have the same shape).
//  - nbGroups == 1 (layer norm, instance norm): mean/var over `axes` (at least one, may be
//    negative). scale/bias broadcast against x numpy-style without enlarging it (right-aligned,
//    each dim 1 or equal). Layer norm over the last axes of [N,S,H]: axes {2}, scale [H] or
//    [1,1,H]. Instance norm of [N,C,H,W]: axes {2,3}, scale [1,C,1,1] (per channel) or [1].
//  - nbGroups > 1 (group norm, rank >= 2): channel axis 1 (C, divisible by nbGroups) is split
//    into nbGroups groups; mean/var per (n, group) over the group's C/nbGroups channels and the
//    `axes` (the spatial dims, e.g. {2,3}; axis 1 may be listed, axis 0 may not). scale/bias
//    are per channel: [1,C,1,...,1] (rank of x; any dim may also be 1) or 1-D [C] / [1],
//    which is taken as the channel vector.
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
