#include "exec_gpu_io.h"

#ifdef KILN_CLI_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

#include <algorithm>
#include <cstring>

#include "cli_util.h"

namespace kiln::cli {

using Severity = Logger::Severity;

#ifdef KILN_CLI_HAVE_CUDA
namespace {
bool ok(cudaError_t status, const char* what, Logger& logger) {
    if (status == cudaSuccess) return true;
    logf(logger, Severity::kERROR, "%s failed: %s", what, cudaGetErrorString(status));
    return false;
}
}  // namespace

std::unique_ptr<GpuIo> GpuIo::create(ExecutionContext& context, const std::vector<TensorBuffer>& buffers,
                                     Logger& logger, bool useCudaGraph, bool spinWait) {
    std::unique_ptr<GpuIo> io(new GpuIo());
    io->mLogger = &logger;
    io->mUseGraph = useCudaGraph;
    io->mSpinWait = spinWait;
    if (!ok(cudaGetDevice(&io->mDeviceIndex), "cudaGetDevice", logger)) return nullptr;
    cudaStream_t stream = nullptr;
    if (!ok(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreate", logger)) return nullptr;
    io->mStream = stream;
    for (const auto& b : buffers) {
        void* device = nullptr;
        void* pinned = nullptr;
        size_t bytes = std::max<size_t>(b.data.size(), 1);
        if (cudaMalloc(&device, bytes) != cudaSuccess || cudaMallocHost(&pinned, bytes) != cudaSuccess) {
            (void)cudaGetLastError();
            if (device) cudaFree(device);
            logf(logger, Severity::kERROR, "GPU memory allocation failed during initialization of tensor: %s (%zu bytes)",
                 b.name.c_str(), bytes);
            return nullptr;
        }
        io->mDevice.push_back(device);
        io->mPinned.push_back(pinned);
        std::memcpy(pinned, b.data.data(), b.data.size());
        if (b.isInput && !ok(cudaMemcpy(device, pinned, b.data.size(), cudaMemcpyHostToDevice), "cudaMemcpy", logger))
            return nullptr;
        if (!context.setTensorAddress(b.name.c_str(), device)) return nullptr;
    }
    return io;
}

GpuIo::~GpuIo() {
    if (mGraph) cudaGraphExecDestroy(static_cast<cudaGraphExec_t>(mGraph));
    for (void* p : mDevice) cudaFree(p);
    for (void* p : mPinned) cudaFreeHost(p);
    if (mStream) cudaStreamDestroy(static_cast<cudaStream_t>(mStream));
}

bool GpuIo::captureGraph(ExecutionContext& context) {
    auto stream = static_cast<cudaStream_t>(mStream);
    Logger& logger = *mLogger;
    if (!ok(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal), "cudaStreamBeginCapture", logger))
        return false;
    const bool enqueued = context.enqueueV3(stream);
    cudaGraph_t graph = nullptr;
    const cudaError_t ended = cudaStreamEndCapture(stream, &graph);
    cudaGraphExec_t exec = nullptr;
    const cudaError_t instantiated =
        enqueued && ended == cudaSuccess && graph ? cudaGraphInstantiate(&exec, graph, 0) : cudaErrorStreamCaptureInvalidated;
    if (graph) cudaGraphDestroy(graph);
    if (instantiated != cudaSuccess) {
        (void)cudaGetLastError();
        logf(logger, Severity::kWARNING,
             "CUDA graph capture failed (%s): a step of this engine cannot be captured; running without a CUDA graph",
             cudaGetErrorString(ended != cudaSuccess ? ended : instantiated));
        return false;
    }
    mGraph = exec;
    logger.log(Severity::kINFO, "Captured the engine's enqueue in a CUDA graph; inferences replay it");
    return true;
}

bool GpuIo::sync() {
    auto stream = static_cast<cudaStream_t>(mStream);
    if (!mSpinWait) return ok(cudaStreamSynchronize(stream), "cudaStreamSynchronize", *mLogger);
    cudaError_t status;
    while ((status = cudaStreamQuery(stream)) == cudaErrorNotReady) {
    }
    return ok(status, "cudaStreamQuery", *mLogger);
}

bool GpuIo::enqueue(ExecutionContext& context) {
    if (mUseGraph && !mGraphTried) {
        mGraphTried = true;
        captureGraph(context);
    }
    auto stream = static_cast<cudaStream_t>(mStream);
    if (mGraph) return ok(cudaGraphLaunch(static_cast<cudaGraphExec_t>(mGraph), stream), "cudaGraphLaunch", *mLogger);
    return context.enqueueV3(stream);
}

bool GpuIo::infer(ExecutionContext& context, std::vector<TensorBuffer>& buffers, bool transfers, InferenceTrace& t,
                  const std::function<double()>& now) {
    auto stream = static_cast<cudaStream_t>(mStream);
    Logger& logger = *mLogger;
    t.enqStart = t.h2dStart = now();
    if (transfers)
        for (size_t i = 0; i < buffers.size(); ++i)
            if (buffers[i].isInput &&
                !ok(cudaMemcpyAsync(mDevice[i], mPinned[i], buffers[i].data.size(), cudaMemcpyHostToDevice, stream),
                    "cudaMemcpyAsync", logger))
                return false;
    if (!sync()) return false;
    t.h2dEnd = t.computeStart = now();
    if (!enqueue(context)) return false;
    t.enqEnd = now();
    if (!sync()) return false;
    t.computeEnd = t.d2hStart = now();
    if (transfers)
        for (size_t i = 0; i < buffers.size(); ++i)
            if (!buffers[i].isInput &&
                !ok(cudaMemcpyAsync(mPinned[i], mDevice[i], buffers[i].data.size(), cudaMemcpyDeviceToHost, stream),
                    "cudaMemcpyAsync", logger))
                return false;
    if (!sync()) return false;
    t.d2hEnd = now();
    return true;
}

bool GpuIo::bindToThisThread() { return ok(cudaSetDevice(mDeviceIndex), "cudaSetDevice", *mLogger); }

bool GpuIo::downloadOutputs(std::vector<TensorBuffer>& buffers) {
    for (size_t i = 0; i < buffers.size(); ++i) {
        if (buffers[i].isInput) continue;
        if (!ok(cudaMemcpy(buffers[i].data.data(), mDevice[i], buffers[i].data.size(), cudaMemcpyDeviceToHost),
                "cudaMemcpy", *mLogger))
            return false;
    }
    return true;
}
#else
std::unique_ptr<GpuIo> GpuIo::create(ExecutionContext&, const std::vector<TensorBuffer>&, Logger& logger, bool, bool) {
    logger.log(Severity::kERROR, "this kiln was built without CUDA: it cannot run GPU engines");
    return nullptr;
}
GpuIo::~GpuIo() = default;
bool GpuIo::infer(ExecutionContext&, std::vector<TensorBuffer>&, bool, InferenceTrace&, const std::function<double()>&) {
    return false;
}
bool GpuIo::downloadOutputs(std::vector<TensorBuffer>&) { return false; }
bool GpuIo::bindToThisThread() { return false; }
bool GpuIo::enqueue(ExecutionContext&) { return false; }
bool GpuIo::sync() { return false; }
bool GpuIo::captureGraph(ExecutionContext&) { return false; }
#endif

}  // namespace kiln::cli
