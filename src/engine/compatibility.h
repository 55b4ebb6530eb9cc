// The compatibility checks an engine plan must pass before anything in it is trusted, with
// TensorRT's messages (SPEC §3).
#pragma once

#include <cstdint>
#include <string>

namespace kiln::engine {

//! "MAJOR.MINOR.PATCH.BUILD" of a KILN_VERSION number.
std::string versionString(int32_t version);
//! Throws KilnError with the SPEC message when the plan's library version differs from ours.
void checkLibraryVersion(int32_t planVersion);
//! Throws KilnError with the SPEC message when the plan's format version differs from ours.
void checkFormatVersion(uint32_t planFormat);

//! What the GPU checks need of a device (filled from cudaGetDeviceProperties, or by a test
//! that simulates a device).
struct GpuProperties {
    std::string name;
    int32_t computeCapability{0};  //!< major * 10 + minor
    uint64_t totalMemory{0};
    bool nativeFp16{true};
};

//! Throws the SPEC refusal when the engine was built for another compute capability; returns
//! the SPEC warning when it was built on another device model of the same one (else "").
std::string checkGpuCompatibility(const std::string& planDevice, int32_t planCompute, const GpuProperties& device);
//! Throws the SPEC message when the engine needs more memory than the device has at all.
void checkGpuMemory(uint64_t weightBytes, uint64_t activationBytes, const GpuProperties& device);
//! Throws the SPEC message when FP16 is required and the device has no native FP16.
void checkNativeFp16(const GpuProperties& device);
//! Throws the SPEC message when a GPU builder is used after the current device changed from the
//! one current at its creation (both CUDA device ordinals).
void checkBuilderDevice(int createdOn, int current);

}  // namespace kiln::engine
