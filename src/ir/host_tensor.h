// Tensors in host memory: constants (weights) in the IR, and views that kernels work on.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kiln/types.h"

namespace kiln::ir {

//! 64-byte aligned, owned bytes.
class AlignedBuffer {
public:
    explicit AlignedBuffer(size_t bytes);
    ~AlignedBuffer();
    AlignedBuffer(const AlignedBuffer&) = delete;
    AlignedBuffer& operator=(const AlignedBuffer&) = delete;
    void* data() { return mData; }
    const void* data() const { return mData; }
    size_t size() const { return mSize; }

private:
    void* mData{nullptr};
    size_t mSize{0};
};

//! A dense, row-major tensor that owns its bytes (shared, so copies are cheap and immutable use is safe).
struct HostTensor {
    DataType type{DataType::kFLOAT};
    std::vector<int64_t> dims;
    std::shared_ptr<AlignedBuffer> buffer;

    static HostTensor make(DataType type, std::vector<int64_t> dims);
    int64_t numel() const;
    size_t bytes() const;
    void* data() { return buffer ? buffer->data() : nullptr; }
    const void* data() const { return buffer ? buffer->data() : nullptr; }
    template <class T>
    T* as() { return static_cast<T*>(data()); }
    template <class T>
    const T* as() const { return static_cast<const T*>(data()); }
    //! Element i converted to int64 / double (any supported type).
    int64_t intAt(int64_t i) const;
    double floatAt(int64_t i) const;
};

//! A non-owning view of a tensor, as kernels see it.
struct TensorView {
    DataType type{DataType::kFLOAT};
    int32_t rank{0};
    int64_t dims[Dims::MAX_DIMS]{};
    void* data{nullptr};

    int64_t numel() const {
        int64_t n = 1;
        for (int32_t i = 0; i < rank; ++i) n *= dims[i];
        return n;
    }
    size_t bytes() const { return static_cast<size_t>(numel()) * dataTypeSize(type); }
    std::vector<int64_t> shape() const { return std::vector<int64_t>(dims, dims + rank); }
    template <class T>
    T* as() const { return static_cast<T*>(data); }
};

//! A view of `data` with these dims (rank <= Dims::MAX_DIMS).
TensorView makeView(DataType type, const std::vector<int64_t>& dims, void* data);
TensorView viewOf(HostTensor& t);
TensorView viewOf(const HostTensor& t);  // const-casts: kernels never write their inputs
int64_t numelOf(const std::vector<int64_t>& dims);
//! numelOf(dims) * dataTypeSize(type), checked: a size that overflows is a KilnError.
size_t byteSizeOf(DataType type, const std::vector<int64_t>& dims);
std::string dimsToString(const std::vector<int64_t>& dims);

}  // namespace kiln::ir
