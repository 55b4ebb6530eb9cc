#include "ir/host_tensor.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <sstream>

#include "core/float8.h"
#include "core/half.h"
#include "core/status.h"

namespace kiln::ir {

AlignedBuffer::AlignedBuffer(size_t bytes) : mSize(bytes) {
    size_t rounded = (bytes + 63) / 64 * 64;
    if (rounded == 0) rounded = 64;
    mData = std::aligned_alloc(64, rounded);
    if (!mData) throw std::bad_alloc();
    std::memset(mData, 0, rounded);
}

AlignedBuffer::~AlignedBuffer() { std::free(mData); }

int64_t numelOf(const std::vector<int64_t>& dims) {
    int64_t n = 1;
    for (int64_t d : dims)
        KILN_CHECK(!__builtin_mul_overflow(n, d, &n)) << "the volume of " << dimsToString(dims) << " overflows int64";
    return n;
}

size_t byteSizeOf(DataType type, const std::vector<int64_t>& dims) {
    size_t bytes = 0;
    KILN_CHECK(!__builtin_mul_overflow(static_cast<size_t>(numelOf(dims)), dataTypeSize(type), &bytes) &&
               bytes <= static_cast<size_t>(INT64_MAX))
        << "the size in bytes of a " << dataTypeName(type) << " tensor of shape " << dimsToString(dims) << " overflows";
    return bytes;
}

std::string dimsToString(const std::vector<int64_t>& dims) {
    std::ostringstream os;
    os << "[";
    for (size_t i = 0; i < dims.size(); ++i) os << (i ? "," : "") << dims[i];
    os << "]";
    return os.str();
}

HostTensor HostTensor::make(DataType type, std::vector<int64_t> dims) {
    KILN_CHECK(dataTypeSize(type) > 0) << "unsupported data type " << dataTypeName(type);
    KILN_CHECK(dims.size() <= static_cast<size_t>(Dims::MAX_DIMS))
        << "tensors have at most " << Dims::MAX_DIMS << " dimensions, got " << dims.size();
    for (int64_t d : dims) KILN_CHECK(d >= 0) << "negative dimension in " << dimsToString(dims);
    HostTensor t;
    t.type = type;
    t.dims = std::move(dims);
    t.buffer = std::make_shared<AlignedBuffer>(byteSizeOf(type, t.dims));
    return t;
}

int64_t HostTensor::numel() const { return numelOf(dims); }
size_t HostTensor::bytes() const { return byteSizeOf(type, dims); }

int64_t HostTensor::intAt(int64_t i) const {
    switch (type) {
        case DataType::kINT64: return as<int64_t>()[i];
        case DataType::kINT32: return as<int32_t>()[i];
        case DataType::kINT8:
        case DataType::kINT2: return as<int8_t>()[i];
        case DataType::kUINT8:
        case DataType::kUINT2: return as<uint8_t>()[i];
        case DataType::kBOOL: return as<uint8_t>()[i] != 0;
        case DataType::kUINT16: return as<uint16_t>()[i];
        case DataType::kUINT32: return as<uint32_t>()[i];
        case DataType::kUINT64: return static_cast<int64_t>(as<uint64_t>()[i]);  // wraps above 2^63
        default: {
            // Float to int: NaN gives 0 and out-of-range values saturate (a plain cast is undefined).
            const double v = floatAt(i);
            if (!(v == v)) return 0;
            if (v >= 9.2233720368547758e18) return INT64_MAX;
            if (v <= -9.2233720368547758e18) return INT64_MIN;
            return static_cast<int64_t>(v);
        }
    }
}

double HostTensor::floatAt(int64_t i) const {
    switch (type) {
        case DataType::kFLOAT: return as<float>()[i];
        case DataType::kDOUBLE: return as<double>()[i];
        case DataType::kHALF: return halfToFloat(as<uint16_t>()[i]);
        case DataType::kBF16: return bf16ToFloat(as<uint16_t>()[i]);
        case DataType::kUINT64: return static_cast<double>(as<uint64_t>()[i]);
        case DataType::kFP8: return float8ToFloat(as<uint8_t>()[i], Float8Format::kE4M3FN);
        case DataType::kFP8E4M3FNUZ: return float8ToFloat(as<uint8_t>()[i], Float8Format::kE4M3FNUZ);
        case DataType::kFP8E5M2: return float8ToFloat(as<uint8_t>()[i], Float8Format::kE5M2);
        case DataType::kFP8E5M2FNUZ: return float8ToFloat(as<uint8_t>()[i], Float8Format::kE5M2FNUZ);
        case DataType::kFP4: return float8ToFloat(as<uint8_t>()[i], Float8Format::kE2M1);
        case DataType::kE8M0: return float8ToFloat(as<uint8_t>()[i], Float8Format::kE8M0);
        default: return static_cast<double>(intAt(i));
    }
}

TensorView makeView(DataType type, const std::vector<int64_t>& dims, void* data) {
    KILN_CHECK(dims.size() <= static_cast<size_t>(Dims::MAX_DIMS))
        << "tensors have at most " << Dims::MAX_DIMS << " dimensions, got " << dims.size();
    TensorView v;
    v.type = type;
    v.rank = static_cast<int32_t>(dims.size());
    std::copy(dims.begin(), dims.end(), v.dims);
    v.data = data;
    return v;
}

TensorView viewOf(HostTensor& t) { return makeView(t.type, t.dims, t.data()); }

TensorView viewOf(const HostTensor& t) { return viewOf(const_cast<HostTensor&>(t)); }

}  // namespace kiln::ir
