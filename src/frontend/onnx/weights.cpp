#include "frontend/onnx/weights.h"

#include <cstring>
#include <filesystem>
#include <fstream>

#include "frontend/onnx/import_error.h"
#include "onnx/onnx.pb.h"

namespace kiln::onnximport {
namespace {

// Bound on one tensor's size: a hostile file must not make the importer allocate without limit.
constexpr uint64_t kMaxTensorBytes = uint64_t(4) << 30;

std::string externalPath(const ::onnx::TensorProto& t, const std::string& modelDir, uint64_t& offset,
                         int64_t& length) {
    std::string location;
    offset = 0;
    length = -1;
    for (const auto& kv : t.external_data()) {
        try {
            if (kv.key() == "location") location = kv.value();
            else if (kv.key() == "offset") offset = std::stoull(kv.value());
            else if (kv.key() == "length") length = std::stoll(kv.value());
        } catch (const std::exception&) {
            ONNX_THROW(kINVALID_VALUE) << "initializer '" << t.name() << "': bad external_data " << kv.key() << " '"
                                       << kv.value() << "'";
        }
    }
    ONNX_CHECK(!location.empty(), kINVALID_VALUE) << "initializer '" << t.name() << "' has external data without a location";
    std::filesystem::path rel(location);
    ONNX_CHECK(rel.is_relative(), kINVALID_VALUE)
        << "initializer '" << t.name() << "': external data location '" << location << "' must be relative to the model";
    for (const auto& part : rel)
        ONNX_CHECK(part != "..", kINVALID_VALUE)
            << "initializer '" << t.name() << "': external data location '" << location << "' leaves the model's directory";
    return (std::filesystem::path(modelDir.empty() ? "." : modelDir) / rel).string();
}

struct ExternalSource {
    std::string path;
    uint64_t offset{0};
};

// Validates the location and that the file holds `bytes` at the offset, before anything is allocated.
ExternalSource checkExternal(const ::onnx::TensorProto& t, const std::string& modelDir, size_t bytes) {
    ExternalSource src;
    int64_t length;
    src.path = externalPath(t, modelDir, src.offset, length);
    ONNX_CHECK(length < 0 || static_cast<uint64_t>(length) == bytes, kINVALID_VALUE)
        << "initializer '" << t.name() << "': external data length " << length << " differs from the " << bytes
        << " bytes its shape needs";
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(src.path, ec);
    ONNX_CHECK(!ec, kINVALID_VALUE) << "initializer '" << t.name() << "': cannot open external data file '" << src.path
                                    << "'";
    ONNX_CHECK(src.offset <= size && bytes <= size - src.offset, kINVALID_VALUE)
        << "initializer '" << t.name() << "': external data file '" << src.path << "' has " << size << " bytes, needs "
        << bytes << " at offset " << src.offset;
    return src;
}

void readExternal(const ::onnx::TensorProto& t, const ExternalSource& src, void* dst, size_t bytes) {
    std::ifstream f(src.path, std::ios::binary);
    f.seekg(static_cast<std::streamoff>(src.offset));
    f.read(static_cast<char*>(dst), static_cast<std::streamsize>(bytes));
    ONNX_CHECK(f.good(), kINVALID_VALUE) << "initializer '" << t.name() << "': reading '" << src.path << "' failed";
}

// Values held in the typed fields (float_data, int32_data, ...) of a TensorProto.
int64_t typedFieldSize(const ::onnx::TensorProto& t) {
    using P = ::onnx::TensorProto;
    switch (t.data_type()) {
        case P::FLOAT: return t.float_data_size();
        case P::DOUBLE: return t.double_data_size();
        case P::INT64: return t.int64_data_size();
        case P::UINT32:
        case P::UINT64: return t.uint64_data_size();
        default: return t.int32_data_size();
    }
}

template <class Src, class Dst, class Field>
void copyField(const Field& field, int64_t n, Dst* dst, const ::onnx::TensorProto& t) {
    ONNX_CHECK(field.size() == n, kINVALID_VALUE)
        << "initializer '" << t.name() << "' has " << field.size() << " values, its shape needs " << n;
    for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<Dst>(static_cast<Src>(field.Get(static_cast<int>(i))));
}

}  // namespace

const char* onnxTypeName(int32_t t) {
    static const char* const kNames[] = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64",
                                         "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64",
                                         "COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2",
                                         "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1", "FLOAT8E8M0", "UINT2", "INT2"};
    return t >= 0 && t < static_cast<int32_t>(sizeof(kNames) / sizeof(kNames[0])) ? kNames[t] : "UNKNOWN";
}

DataType fromOnnxType(int32_t t, const std::string& what) {
    using P = ::onnx::TensorProto;
    switch (t) {
        case P::FLOAT: return DataType::kFLOAT;
        case P::DOUBLE: return DataType::kDOUBLE;
        case P::FLOAT16: return DataType::kHALF;
        case P::BFLOAT16: return DataType::kBF16;
        case P::INT8: return DataType::kINT8;
        case P::UINT8: return DataType::kUINT8;
        case P::INT32: return DataType::kINT32;
        case P::INT64: return DataType::kINT64;
        case P::BOOL: return DataType::kBOOL;
        case P::UINT16: return DataType::kUINT16;
        case P::UINT32: return DataType::kUINT32;
        case P::UINT64: return DataType::kUINT64;
        case P::FLOAT8E4M3FN: return DataType::kFP8;
        case P::FLOAT8E4M3FNUZ: return DataType::kFP8E4M3FNUZ;
        case P::FLOAT8E5M2: return DataType::kFP8E5M2;
        case P::FLOAT8E5M2FNUZ: return DataType::kFP8E5M2FNUZ;
        case P::FLOAT4E2M1: return DataType::kFP4;
        case P::FLOAT8E8M0: return DataType::kE8M0;
        case P::INT2: return DataType::kINT2;
        case P::UINT2: return DataType::kUINT2;
        case P::INT4:
        case P::UINT4:
            ONNX_THROW(kUNSUPPORTED_NODE_DATATYPE)
                << what << " has type " << onnxTypeName(t) << ": Kiln does not support INT4 tensors";
        case P::INT16:
            ONNX_THROW(kUNSUPPORTED_NODE_DATATYPE)
                << what << " has type " << onnxTypeName(t) << ": Kiln does not support INT16 tensors";
        default:
            ONNX_THROW(kUNSUPPORTED_NODE_DATATYPE) << what << " has type " << onnxTypeName(t)
                                                   << ", which Kiln does not support (supported: FLOAT, FLOAT16, "
                                                      "BFLOAT16, DOUBLE, FLOAT8 (E4M3FN, E4M3FNUZ, E5M2, E5M2FNUZ, E8M0), FLOAT4E2M1, "
                                                      "INT2, UINT2, INT8, UINT8, UINT16, INT32, UINT32, INT64, UINT64, BOOL)";
    }
}

std::shared_ptr<const ir::HostTensor> readTensorProto(const ::onnx::TensorProto& t, const std::string& modelDir) {
    using P = ::onnx::TensorProto;
    const std::string what = "initializer '" + t.name() + "'";
    DataType type = fromOnnxType(t.data_type(), what);
    ONNX_CHECK(t.dims_size() <= Dims::MAX_DIMS, kUNSUPPORTED_NODE_SHAPE)
        << what << " has " << t.dims_size() << " dimensions; Kiln supports at most " << Dims::MAX_DIMS;
    std::vector<int64_t> dims(t.dims().begin(), t.dims().end());
    uint64_t n = 1;
    for (int64_t d : dims) {
        ONNX_CHECK(d >= 0, kINVALID_VALUE) << what << " has a negative dimension in " << ir::dimsToString(dims);
        ONNX_CHECK(d == 0 || n <= kMaxTensorBytes / static_cast<uint64_t>(d), kINVALID_VALUE)
            << what << " is too large: " << ir::dimsToString(dims);
        n *= static_cast<uint64_t>(d);
    }
    const size_t onnxElementSize = dataTypeSize(type);
    ONNX_CHECK(n * onnxElementSize <= kMaxTensorBytes, kINVALID_VALUE) << what << " is too large: " << ir::dimsToString(dims);
    // ONNX packs FLOAT4E2M1 two to a byte and INT2/UINT2 four to a byte (the first element in the
    // low bits); Kiln keeps one per byte, so the packed bytes are read first and spread out below.
    const int packedBits = t.data_type() == P::FLOAT4E2M1 ? 4 : (t.data_type() == P::INT2 || t.data_type() == P::UINT2) ? 2 : 0;
    const bool packed = packedBits != 0;
    const uint64_t perByte = packed ? 8 / packedBits : 1;
    const int64_t count = static_cast<int64_t>((n + perByte - 1) / perByte);
    const size_t rawBytes = static_cast<size_t>(count) * onnxElementSize;

    // The data must be there before its size is allocated: a hostile shape allocates nothing.
    ExternalSource external;
    if (t.data_location() == P::EXTERNAL) {
        if (rawBytes) external = checkExternal(t, modelDir, rawBytes);
    } else if (t.has_raw_data()) {
        ONNX_CHECK(t.raw_data().size() == rawBytes, kINVALID_VALUE)
            << what << " has " << t.raw_data().size() << " bytes of raw data, its shape " << ir::dimsToString(dims)
            << " needs " << rawBytes;
    } else {
        ONNX_CHECK(typedFieldSize(t) == count, kINVALID_VALUE)
            << what << " has " << typedFieldSize(t) << " values, its shape " << ir::dimsToString(dims) << " needs " << count;
    }
    auto out = std::make_shared<ir::HostTensor>(ir::HostTensor::make(type, dims));
    std::vector<uint8_t> packedBytes(packed ? rawBytes : 0);
    void* raw = packed ? packedBytes.data() : out->data();
    if (t.data_location() == P::EXTERNAL) {
        if (rawBytes) readExternal(t, external, raw, rawBytes);
    } else if (t.has_raw_data()) {
        ONNX_CHECK(t.raw_data().size() == rawBytes, kINVALID_VALUE)
            << what << " has " << t.raw_data().size() << " bytes of raw data, its shape " << ir::dimsToString(dims)
            << " needs " << rawBytes;
        if (rawBytes) std::memcpy(raw, t.raw_data().data(), rawBytes);
    } else {
        switch (t.data_type()) {
            case P::FLOAT: copyField<float>(t.float_data(), count, out->as<float>(), t); break;
            case P::DOUBLE: copyField<double>(t.double_data(), count, reinterpret_cast<double*>(raw), t); break;
            case P::INT64: copyField<int64_t>(t.int64_data(), count, out->as<int64_t>(), t); break;
            case P::INT32: copyField<int32_t>(t.int32_data(), count, out->as<int32_t>(), t); break;
            case P::INT8: copyField<int32_t>(t.int32_data(), count, out->as<int8_t>(), t); break;
            case P::UINT8:
            case P::BOOL:
            case P::FLOAT8E4M3FN:
            case P::FLOAT8E4M3FNUZ:
            case P::FLOAT8E5M2:
            case P::FLOAT8E5M2FNUZ:
            case P::FLOAT8E8M0:
            case P::FLOAT4E2M1:
            case P::INT2:
            case P::UINT2: copyField<int32_t>(t.int32_data(), count, static_cast<uint8_t*>(raw), t); break;
            case P::UINT16: copyField<int32_t>(t.int32_data(), count, out->as<uint16_t>(), t); break;
            case P::UINT32: copyField<uint64_t>(t.uint64_data(), count, out->as<uint32_t>(), t); break;
            case P::UINT64: copyField<uint64_t>(t.uint64_data(), count, out->as<uint64_t>(), t); break;
            case P::FLOAT16:
            case P::BFLOAT16: copyField<int32_t>(t.int32_data(), count, out->as<uint16_t>(), t); break;
            default: ONNX_THROW(kUNSUPPORTED_NODE_DATATYPE) << what << ": unsupported storage";
        }
    }
    if (packed) {
        uint8_t* e = out->as<uint8_t>();
        const unsigned mask = (1u << packedBits) - 1;
        for (uint64_t i = 0; i < n; ++i) e[i] = (packedBytes[i / perByte] >> (packedBits * (i % perByte))) & mask;
        if (t.data_type() == P::INT2)  // two's complement: 2 and 3 are -2 and -1
            for (uint64_t i = 0; i < n; ++i) e[i] = static_cast<uint8_t>(e[i] >= 2 ? e[i] - 4 : e[i]);
    }
    if (t.data_type() == P::BOOL) {
        uint8_t* b = out->as<uint8_t>();
        for (int64_t i = 0; i < count; ++i) b[i] = b[i] ? 1 : 0;
    }
    return out;
}

}  // namespace kiln::onnximport
