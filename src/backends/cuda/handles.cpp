#include "backends/cuda/handles.h"

#include <cuda_runtime_api.h>

#include <string>
#include <unordered_map>

#include "backends/cuda/device.h"
#include "core/status.h"

namespace kiln::cuda {

void checkCublas(cublasStatus_t status, const char* what) {
    if (status == CUBLAS_STATUS_SUCCESS) return;
    KILN_THROW(ErrorCode::kFAILED_EXECUTION) << what << ": cuBLASLt error " << cublasLtGetStatusName(status) << " ("
                                             << cublasLtGetStatusString(status) << ")";
}

void checkCudnn(cudnnStatus_t status, const char* what) {
    if (status == CUDNN_STATUS_SUCCESS) return;
    KILN_THROW(ErrorCode::kFAILED_EXECUTION) << what << ": cuDNN error " << cudnnGetErrorString(status) << " ("
                                             << static_cast<int>(status) << ")";
}

namespace {

int currentDevice() {
    int device = 0;
    check(static_cast<int>(cudaGetDevice(&device)), "cudaGetDevice");
    return device;
}

//! The handles of one thread, by device. Destroyed when the thread ends; for the main thread
//! that is before the CUDA runtime's own teardown (thread-local objects end before statics).
struct ThreadHandles {
    std::unordered_map<int, cublasLtHandle_t> cublasLt;
    std::unordered_map<int, cudnnHandle_t> cudnn;

    ~ThreadHandles() {
        int previous = -1;
        const bool restore = cudaGetDevice(&previous) == cudaSuccess;
        // Errors are ignored here: a destructor must not throw, and a failed destroy only leaks.
        for (auto& [device, h] : cublasLt) {
            cudaSetDevice(device);
            cublasLtDestroy(h);
        }
        for (auto& [device, h] : cudnn) {
            cudaSetDevice(device);
            cudnnDestroy(h);
        }
        if (restore) cudaSetDevice(previous);
    }
};

ThreadHandles& threadHandles() {
    thread_local ThreadHandles handles;
    return handles;
}

}  // namespace

cublasLtHandle_t cublasLtHandle() {
    const int device = currentDevice();
    auto& map = threadHandles().cublasLt;
    auto it = map.find(device);
    if (it != map.end()) return it->second;
    cublasLtHandle_t h = nullptr;
    checkCublas(cublasLtCreate(&h), "cublasLtCreate");
    map.emplace(device, h);
    return h;
}

cudnnHandle_t cudnnHandle() {
    const int device = currentDevice();
    auto& map = threadHandles().cudnn;
    auto it = map.find(device);
    if (it != map.end()) return it->second;
    cudnnHandle_t h = nullptr;
    checkCudnn(cudnnCreate(&h), "cudnnCreate");
    map.emplace(device, h);
    return h;
}

}  // namespace kiln::cuda
