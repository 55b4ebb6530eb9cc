// Building an engine from a parsed network with the command line's profiles and settings.
#pragma once

#include <memory>

#include "exec_options.h"
#include "kiln/kiln.h"

namespace kiln::cli {

//! What a build needs beyond the network: shapes per profile, config settings, timing cache.
struct BuildRequest {
    std::vector<ProfileShapes> profiles;  //!< complete groups (min, opt, max)
    ShapeList shapes;                     //!< --shapes: min = opt = max when no group names the input
    ShapeList fallbackShapes;             //!< e.g. the shapes of .npy inputs
    const ExecOptions* options{nullptr};  //!< precision, workspace, level, timing cache (optional)
};

//! Adds the profiles and settings of `request` and builds; logs "Engine built in X seconds."
//! Returns nullptr after logging a clear message (naming the input for missing shapes).
std::unique_ptr<HostMemory> buildEngine(Builder& builder, NetworkDefinition& network, const BuildRequest& request,
                                        Logger& logger);

}  // namespace kiln::cli
