#include "runtime/arena.h"

#ifdef KILN_HAVE_CUDA
#include "backends/cuda/memory.h"
#endif
#include "core/status.h"

namespace kiln::runtime {

void* Arena::reserve(size_t bytes, void* stream) {
    if (mBackend == DeviceType::kCPU) {
        if (mHost.size() < bytes) mHost.resize(bytes);
        mSize = mHost.size();
        return mHost.data();
    }
#ifdef KILN_HAVE_CUDA
    if (!mDevice || mSize < bytes) {
        if (mDevice) cuda::synchronize(stream);
        mDevice.reset();  // free first: the old and new arenas need not both fit
        mDevice = std::make_shared<cuda::DeviceBuffer>(bytes, mAllocator, "tensor: activation memory");
        mSize = bytes;
    }
    return static_cast<cuda::DeviceBuffer*>(mDevice.get())->data();
#else
    KILN_THROW(ErrorCode::kUNSUPPORTED_STATE) << "this build of Kiln has no GPU backend";
#endif
}

}  // namespace kiln::runtime
