// CUDA devices: what the runtime reports, and the SPEC message when it cannot initialise.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "engine/compatibility.h"

namespace kiln::cuda {

struct DeviceInfo {
    int ordinal{0};
    std::string name;
    int computeCapability{0};  //!< major * 10 + minor
    size_t totalMemory{0};
};

//! Every visible device (at least one). Throws KilnError(kFAILED_INITIALIZATION) with "Cuda
//! initialization failure with error <code>. Please check cuda installation: ..." when the runtime
//! cannot start or sees no device.
std::vector<DeviceInfo> queryDevices();

//! The properties the engine checks use, of `device` (an ordinal).
engine::GpuProperties propertiesOf(int device);

//! The SPEC §3 message for a CUDA runtime error code, with a hint for the common causes.
std::string initializationFailureMessage(int code, const char* runtimeText);

//! Throws KilnError(kFAILED_EXECUTION) naming `what` when `status` (a cudaError_t) is not success.
void check(int status, const char* what);

}  // namespace kiln::cuda
