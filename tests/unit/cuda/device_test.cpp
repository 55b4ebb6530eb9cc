// The CUDA device layer. On a machine without a GPU (CI) the SPEC initialisation message is what
// must come out; on the GPU machine, the device is listed and a kernel runs.
#ifdef KILN_HAVE_CUDA
#include <gtest/gtest.h>

#include <cuda_runtime_api.h>

#include <vector>

#include "backends/cuda/device.h"
#include "backends/cuda/kernels/fill.h"
#include "core/status.h"
#include "kiln/kiln.h"

namespace kiln {
namespace {

bool haveGpu() {
    int count = 0;
    return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
}

TEST(CudaDevice, InitializationFailureMessageHasTheSpecText) {
    EXPECT_EQ(cuda::initializationFailureMessage(100, "no CUDA-capable device is detected"),
              "Cuda initialization failure with error 100. Please check cuda installation: no CUDA-capable device is "
              "visible (check CUDA_VISIBLE_DEVICES).");
}

TEST(CudaDevice, WithoutAGpuTheBuilderReportsTheInitializationFailure) {
    if (haveGpu()) GTEST_SKIP() << "a GPU is present";
    struct Capture : Logger {
        void log(Severity s, const char* m) noexcept override {
            if (s <= Severity::kERROR) last = m;
        }
        std::string last;
    } logger;
    EXPECT_EQ(createBuilder(logger, DeviceType::kGPU), nullptr);
    EXPECT_EQ(logger.last.rfind("Cuda initialization failure with error ", 0), 0u) << logger.last;
    EXPECT_THROW(cuda::queryDevices(), KilnError);
}

TEST(CudaDevice, ListsDevicesAndRunsAKernel) {
    if (!haveGpu()) GTEST_SKIP() << "no GPU on this machine";
    auto devices = cuda::queryDevices();
    ASSERT_FALSE(devices.empty());
    EXPECT_GT(devices[0].computeCapability, 0);
    const int64_t n = 1000003;
    float* d = nullptr;
    ASSERT_EQ(cudaMalloc(reinterpret_cast<void**>(&d), n * sizeof(float)), cudaSuccess);
    ASSERT_EQ(cuda::fill(d, n, 2.5f, nullptr), 0);
    std::vector<float> h(n);
    ASSERT_EQ(cudaMemcpy(h.data(), d, n * sizeof(float), cudaMemcpyDeviceToHost), cudaSuccess);
    cudaFree(d);
    for (int64_t i = 0; i < n; i += 9973) ASSERT_EQ(h[i], 2.5f) << i;
    EXPECT_EQ(h[n - 1], 2.5f);
}

}  // namespace
}  // namespace kiln
#endif
