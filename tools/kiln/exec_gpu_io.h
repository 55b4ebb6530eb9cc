// kiln exec on a GPU engine: a device buffer per I/O tensor, pinned host staging, one stream,
// and the copies in and out of each inference (trtexec's H2D / compute / D2H phases).
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
                                         Logger& logger);
    ~GpuIo();

    //! One inference with the phases timed into `t` (ms since `origin`, steady clock).
    bool infer(ExecutionContext& context, std::vector<TensorBuffer>& buffers, bool transfers, InferenceTrace& t,
               const std::function<double()>& now);
    //! Copies the outputs back (after the last inference, for --exportOutput).
    bool downloadOutputs(std::vector<TensorBuffer>& buffers);

private:
    GpuIo() = default;
    void* mStream{nullptr};
    std::vector<void*> mDevice;  //!< per buffer
    std::vector<void*> mPinned;  //!< per buffer
    Logger* mLogger{nullptr};
};

}  // namespace kiln::cli
