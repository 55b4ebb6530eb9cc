#include "engine/compatibility.h"

#include "core/status.h"
#include "engine/engine_data.h"
#include "kiln/version.h"

namespace kiln::engine {

std::string versionString(int32_t v) {
    return std::to_string(v / 1000000) + "." + std::to_string(v / 10000 % 100) + "." + std::to_string(v / 100 % 100) +
           "." + std::to_string(v % 100);
}

void checkLibraryVersion(int32_t planVersion) {
    KILN_CHECK_CODE(planVersion == KILN_VERSION, ErrorCode::kINVALID_STATE)
        << "The engine plan file is not compatible with this version of Kiln, expecting library version "
        << versionString(KILN_VERSION) << " got " << versionString(planVersion) << ", please rebuild.";
}

void checkFormatVersion(uint32_t planFormat) {
    KILN_CHECK_CODE(planFormat == kFormatVersion, ErrorCode::kINVALID_STATE)
        << "The engine plan file is not compatible with this version of Kiln, expecting format version "
        << kFormatVersion << " got " << planFormat << ", please rebuild.";
}

std::string checkGpuCompatibility(const std::string& planDevice, int32_t planCompute, const GpuProperties& device) {
    KILN_CHECK_CODE(planCompute == device.computeCapability, ErrorCode::kINVALID_STATE)
        << "The engine plan file is generated on an incompatible device, expecting compute "
        << device.computeCapability / 10 << "." << device.computeCapability % 10 << " got compute " << planCompute / 10
        << "." << planCompute % 10 << ", please rebuild.";
    if (planDevice == device.name) return "";
    return "Using an engine plan file across different models of devices is not recommended and is likely to affect "
           "performance or even cause errors. (built on " +
           planDevice + ", running on " + device.name + ")";
}

void checkGpuMemory(uint64_t weightBytes, uint64_t activationBytes, const GpuProperties& device) {
    KILN_CHECK_CODE(weightBytes + activationBytes <= device.totalMemory, ErrorCode::kFAILED_ALLOCATION)
        << "GPU does not meet the minimum memory requirements to run this engine: it needs " << weightBytes
        << " bytes of weights and " << activationBytes << " bytes of activation memory, the device ("
        << device.name << ") has " << device.totalMemory << " bytes.";
}

void checkBuilderDevice(int createdOn, int current) {
    KILN_CHECK_CODE(createdOn == current, ErrorCode::kINVALID_STATE)
        << "Builder was created on device different from current device.";
}

void checkNativeFp16(const GpuProperties& device) {
    KILN_CHECK_CODE(device.nativeFp16, ErrorCode::kUNSUPPORTED_STATE)
        << "Network needs native FP16 and platform does not have native FP16";
}

}  // namespace kiln::engine
