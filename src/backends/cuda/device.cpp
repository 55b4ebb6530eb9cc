#include "backends/cuda/device.h"

#include <cuda_runtime_api.h>

#include "core/status.h"

namespace kiln::cuda {

std::string initializationFailureMessage(int code, const char* runtimeText) {
    std::string hint;
    switch (code) {
        case cudaErrorNoDevice: hint = "no CUDA-capable device is visible (check CUDA_VISIBLE_DEVICES)"; break;
        case cudaErrorInsufficientDriver: hint = "the driver is older than the CUDA runtime Kiln was built with"; break;
        default: hint = runtimeText ? runtimeText : "unknown error"; break;
    }
    return "Cuda initialization failure with error " + std::to_string(code) + ". Please check cuda installation: " +
           hint + ".";
}

void check(int status, const char* what) {
    KILN_CHECK_CODE(status == cudaSuccess, ErrorCode::kFAILED_EXECUTION)
        << what << " failed: " << cudaGetErrorString(static_cast<cudaError_t>(status)) << " (" << status << ")";
}

std::vector<DeviceInfo> queryDevices() {
    int count = 0;
    cudaError_t status = cudaGetDeviceCount(&count);
    if (status == cudaSuccess && count == 0) status = cudaErrorNoDevice;
    KILN_CHECK_CODE(status == cudaSuccess, ErrorCode::kFAILED_INITIALIZATION)
        << initializationFailureMessage(status, cudaGetErrorString(status));
    std::vector<DeviceInfo> devices;
    for (int i = 0; i < count; ++i) {
        cudaDeviceProp prop{};
        check(cudaGetDeviceProperties(&prop, i), "cudaGetDeviceProperties");
        devices.push_back({i, prop.name, prop.major * 10 + prop.minor, prop.totalGlobalMem});
    }
    return devices;
}

engine::GpuProperties propertiesOf(int device) {
    cudaDeviceProp prop{};
    check(cudaGetDeviceProperties(&prop, device), "cudaGetDeviceProperties");
    engine::GpuProperties p;
    p.name = prop.name;
    p.computeCapability = prop.major * 10 + prop.minor;
    p.totalMemory = prop.totalGlobalMem;
    p.nativeFp16 = p.computeCapability >= 53;  // native half arithmetic since sm_53
    return p;
}

}  // namespace kiln::cuda
