// kiln exec on a GPU engine: a device buffer per I/O tensor, pinned host staging, one stream,
// and the copies in and out of each inference (trtexec's H2D / compute / D2H phases). With
// --useCudaGraph the first inference captures the engine's enqueue into a CUDA graph, which
// every inference then replays (kiln exec runs one input shape: one graph).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "exec_inference.h"

namespace kiln::cli {

class GpuIo {
public:
    //! Allocates the device buffers of `buffers` and binds them to `context`; nullptr after a
    //! logged failure ("GPU memory allocation failed during initialization of tensor: <name>").
    static std::unique_ptr<GpuIo> create(ExecutionContext& context, const std::vector<TensorBuffer>& buffers,
                                         Logger& logger, bool useCudaGraph, bool spinWait = false);
    ~GpuIo();

    //! One inference with the phases timed into `t` (ms since `origin`, steady clock).
    bool infer(ExecutionContext& context, std::vector<TensorBuffer>& buffers, bool transfers, InferenceTrace& t,
               const std::function<double()>& now);
    //! Copies the outputs back (after the last inference, for --exportOutput).
    bool downloadOutputs(std::vector<TensorBuffer>& buffers);
    //! Makes the device of this GpuIo's stream current on the calling thread (--infStreams
    //! drives each stream from a thread of its own, whose current device starts at 0).
    bool bindToThisThread();

private:
    GpuIo() = default;
    //! The engine's work on the stream: the graph's replay, or enqueueV3.
    bool enqueue(ExecutionContext& context);
    //! Waits for the stream: cudaStreamSynchronize, or polling with --useSpinWait.
    bool sync();
    //! Captures enqueueV3 into mGraph; false (with a warning) where the engine's steps cannot be
    //! captured (a step that synchronises: Assertion, Resize's table upload).
    bool captureGraph(ExecutionContext& context);
    void* mStream{nullptr};
    int mDeviceIndex{0};
    bool mUseGraph{false};
    bool mSpinWait{false};
    bool mGraphTried{false};
    void* mGraph{nullptr};  //!< cudaGraphExec_t
    std::vector<void*> mDevice;  //!< per buffer
    std::vector<void*> mPinned;  //!< per buffer
    Logger* mLogger{nullptr};
};

}  // namespace kiln::cli
