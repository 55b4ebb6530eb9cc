#include "suite_tensor.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/float8.h"
#include "core/half.h"
#include "onnx/onnx.pb.h"

namespace kiln::conformance {
namespace {

using P = ::onnx::TensorProto;

template <class Field, class Store>
void copyTyped(const Field& field, std::vector<uint8_t>& bytes) {
    bytes.resize(static_cast<size_t>(field.size()) * sizeof(Store));
    for (int i = 0; i < field.size(); ++i) {
        Store v = static_cast<Store>(field.Get(i));
        std::memcpy(bytes.data() + static_cast<size_t>(i) * sizeof(Store), &v, sizeof(Store));
    }
}

bool isFloat8(int32_t t) {
    return t == P::FLOAT8E4M3FN || t == P::FLOAT8E4M3FNUZ || t == P::FLOAT8E5M2 || t == P::FLOAT8E5M2FNUZ ||
           t == P::FLOAT8E8M0 || t == P::FLOAT4E2M1;
}

bool isFloating(int32_t t) {
    return t == P::FLOAT || t == P::DOUBLE || t == P::FLOAT16 || t == P::BFLOAT16 || isFloat8(t);
}

double floatAt(const SuiteTensor& t, int64_t i) {
    const uint8_t* p = t.bytes.data() + static_cast<size_t>(i) * onnxElementSize(t.onnxType);
    switch (t.onnxType) {
        case P::FLOAT: { float v; std::memcpy(&v, p, 4); return v; }
        case P::DOUBLE: { double v; std::memcpy(&v, p, 8); return v; }
        case P::FLOAT16: { uint16_t v; std::memcpy(&v, p, 2); return halfToFloat(v); }
        case P::BFLOAT16: { uint16_t v; std::memcpy(&v, p, 2); return bf16ToFloat(v); }
        case P::FLOAT8E4M3FN: return float8ToFloat(*p, Float8Format::kE4M3FN);
        case P::FLOAT8E4M3FNUZ: return float8ToFloat(*p, Float8Format::kE4M3FNUZ);
        case P::FLOAT8E5M2: return float8ToFloat(*p, Float8Format::kE5M2);
        case P::FLOAT8E5M2FNUZ: return float8ToFloat(*p, Float8Format::kE5M2FNUZ);
        case P::FLOAT8E8M0: return float8ToFloat(*p, Float8Format::kE8M0);
        case P::FLOAT4E2M1: return float8ToFloat(*p, Float8Format::kE2M1);
        default: return 0;
    }
}

//! Integers as long double so that uint64 and int64 both fit exactly enough to compare.
long double integerAt(const SuiteTensor& t, int64_t i) {
    const uint8_t* p = t.bytes.data() + static_cast<size_t>(i) * onnxElementSize(t.onnxType);
    switch (t.onnxType) {
        case P::UINT8: case P::BOOL: return *p;
        case P::INT8: case P::INT2: return static_cast<int8_t>(*p);
        case P::UINT2: return *p;
        case P::UINT16: { uint16_t v; std::memcpy(&v, p, 2); return v; }
        case P::INT16: { int16_t v; std::memcpy(&v, p, 2); return v; }
        case P::INT32: { int32_t v; std::memcpy(&v, p, 4); return v; }
        case P::UINT32: { uint32_t v; std::memcpy(&v, p, 4); return v; }
        case P::INT64: { int64_t v; std::memcpy(&v, p, 8); return v; }
        case P::UINT64: { uint64_t v; std::memcpy(&v, p, 8); return v; }
        default: return 0;
    }
}

std::string shapeText(const std::vector<int64_t>& dims) {
    std::ostringstream s;
    s << "[";
    for (size_t i = 0; i < dims.size(); ++i) s << (i ? "," : "") << dims[i];
    s << "]";
    return s.str();
}

bool sameShapeAndType(const SuiteTensor& ref, const SuiteTensor& got, std::string& why) {
    if (ref.dims != got.dims) {
        why = "shape " + shapeText(got.dims) + ", expected " + shapeText(ref.dims);
        return false;
    }
    if (ref.onnxType != got.onnxType) {
        why = "type " + onnxTypeName(got.onnxType) + ", expected " + onnxTypeName(ref.onnxType);
        return false;
    }
    return true;
}

}  // namespace

int64_t SuiteTensor::count() const {
    int64_t n = 1;
    for (int64_t d : dims) n *= d;
    return n;
}

size_t onnxElementSize(int32_t t) {
    switch (t) {
        case P::FLOAT: case P::INT32: case P::UINT32: return 4;
        case P::DOUBLE: case P::INT64: case P::UINT64: case P::COMPLEX64: return 8;
        case P::COMPLEX128: return 16;
        case P::FLOAT16: case P::BFLOAT16: case P::INT16: case P::UINT16: return 2;
        case P::UINT8: case P::INT8: case P::BOOL: case P::FLOAT8E4M3FN: case P::FLOAT8E4M3FNUZ:
        case P::FLOAT8E5M2: case P::FLOAT8E5M2FNUZ: case P::FLOAT8E8M0:
        case P::FLOAT4E2M1: case P::INT2: case P::UINT2: return 1;  // read unpacked, one per byte, as Kiln keeps them
        default: return 0;
    }
}

std::string onnxTypeName(int32_t t) {
    if (::onnx::TensorProto_DataType_IsValid(t)) return P::DataType_Name(static_cast<P::DataType>(t));
    return "type " + std::to_string(t);
}

int32_t onnxTypeOf(DataType type) {
    switch (type) {
        case DataType::kFLOAT: return P::FLOAT;
        case DataType::kDOUBLE: return P::DOUBLE;
        case DataType::kHALF: return P::FLOAT16;
        case DataType::kBF16: return P::BFLOAT16;
        case DataType::kINT8: return P::INT8;
        case DataType::kUINT8: return P::UINT8;
        case DataType::kINT32: return P::INT32;
        case DataType::kINT64: return P::INT64;
        case DataType::kBOOL: return P::BOOL;
        case DataType::kUINT16: return P::UINT16;
        case DataType::kUINT32: return P::UINT32;
        case DataType::kUINT64: return P::UINT64;
        case DataType::kFP8: return P::FLOAT8E4M3FN;
        case DataType::kFP8E4M3FNUZ: return P::FLOAT8E4M3FNUZ;
        case DataType::kFP8E5M2: return P::FLOAT8E5M2;
        case DataType::kFP8E5M2FNUZ: return P::FLOAT8E5M2FNUZ;
        case DataType::kFP4: return P::FLOAT4E2M1;
        case DataType::kE8M0: return P::FLOAT8E8M0;
        case DataType::kINT2: return P::INT2;
        case DataType::kUINT2: return P::UINT2;
        default: return 0;
    }
}

bool kilnTypeOf(int32_t onnxType, DataType& type) {
    for (DataType t : {DataType::kFLOAT, DataType::kDOUBLE, DataType::kHALF, DataType::kBF16, DataType::kINT8,
                       DataType::kUINT8, DataType::kINT32, DataType::kINT64, DataType::kBOOL, DataType::kUINT16,
                       DataType::kUINT32, DataType::kUINT64, DataType::kFP8, DataType::kFP8E4M3FNUZ,
                       DataType::kFP8E5M2, DataType::kFP8E5M2FNUZ, DataType::kFP4, DataType::kE8M0,
                       DataType::kINT2, DataType::kUINT2})
        if (onnxTypeOf(t) == onnxType) {
            type = t;
            return true;
        }
    return false;
}

bool readSuiteTensor(const std::string& path, SuiteTensor& out, std::string& error) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        error = "cannot read " + path;
        return false;
    }
    std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    return parseSuiteTensor(data, path, out, error);
}

bool parseSuiteTensor(const std::string& data, const std::string& path, SuiteTensor& out, std::string& error) {
    P t;
    if (!t.ParseFromString(data)) {
        error = path + " is not a TensorProto";
        return false;
    }
    out = SuiteTensor{};
    out.name = t.name();
    out.onnxType = t.data_type();
    out.dims.assign(t.dims().begin(), t.dims().end());
    if (out.onnxType == P::STRING) {
        out.strings.assign(t.string_data().begin(), t.string_data().end());
        if (static_cast<int64_t>(out.strings.size()) != out.count()) {
            error = path + ": string count does not match the dims";
            return false;
        }
        return true;
    }
    const size_t size = onnxElementSize(out.onnxType);
    if (size == 0) {
        error = path + ": element type " + onnxTypeName(out.onnxType) + " is not read by the runner";
        return false;
    }
    if (t.has_raw_data()) {
        out.bytes.assign(t.raw_data().begin(), t.raw_data().end());
    } else {
        switch (out.onnxType) {
            case P::FLOAT: case P::COMPLEX64: copyTyped<decltype(t.float_data()), float>(t.float_data(), out.bytes); break;
            case P::DOUBLE: case P::COMPLEX128: copyTyped<decltype(t.double_data()), double>(t.double_data(), out.bytes); break;
            case P::INT64: copyTyped<decltype(t.int64_data()), int64_t>(t.int64_data(), out.bytes); break;
            case P::UINT32: copyTyped<decltype(t.uint64_data()), uint32_t>(t.uint64_data(), out.bytes); break;
            case P::UINT64: copyTyped<decltype(t.uint64_data()), uint64_t>(t.uint64_data(), out.bytes); break;
            case P::INT32: copyTyped<decltype(t.int32_data()), int32_t>(t.int32_data(), out.bytes); break;
            case P::INT16: case P::UINT16: case P::FLOAT16: case P::BFLOAT16:
                copyTyped<decltype(t.int32_data()), uint16_t>(t.int32_data(), out.bytes);
                break;
            default: copyTyped<decltype(t.int32_data()), uint8_t>(t.int32_data(), out.bytes); break;
        }
    }
    // FLOAT4E2M1 two to a byte, INT2/UINT2 four to a byte, the first element in the low bits.
    const int bits = out.onnxType == P::FLOAT4E2M1 ? 4 : (out.onnxType == P::INT2 || out.onnxType == P::UINT2) ? 2 : 0;
    if (bits) {
        const size_t perByte = static_cast<size_t>(8 / bits);
        const std::vector<uint8_t> packed = std::move(out.bytes);
        if (packed.size() != (static_cast<size_t>(out.count()) + perByte - 1) / perByte) {
            error = path + ": data size does not match the dims";
            return false;
        }
        out.bytes.resize(static_cast<size_t>(out.count()));
        for (size_t i = 0; i < out.bytes.size(); ++i) {
            uint8_t v = (packed[i / perByte] >> (bits * (i % perByte))) & ((1u << bits) - 1);
            if (out.onnxType == P::INT2 && v >= 2) v = static_cast<uint8_t>(v - 4);  // two's complement, as int8
            out.bytes[i] = v;
        }
    }
    if (out.bytes.size() != static_cast<size_t>(out.count()) * size) {
        error = path + ": data size does not match the dims";
        return false;
    }
    return true;
}

bool compareOutput(const SuiteTensor& ref, const SuiteTensor& got, double rtol, double atol, std::string& why) {
    if (!sameShapeAndType(ref, got, why)) return false;
    if (ref.onnxType == P::STRING) {
        for (size_t i = 0; i < ref.strings.size(); ++i)
            if (ref.strings[i] != got.strings[i]) {
                why = "string " + std::to_string(i) + " is '" + got.strings[i] + "', expected '" + ref.strings[i] + "'";
                return false;
            }
        return true;
    }
    if (ref.onnxType == P::BFLOAT16) rtol = std::max(rtol, 1.0 / 64);
    int64_t bad = 0, first = -1;
    double worst = 0;
    for (int64_t i = 0; i < ref.count(); ++i) {
        bool ok;
        double diff;
        if (isFloating(ref.onnxType)) {
            double r = floatAt(ref, i), g = floatAt(got, i);
            if (std::isnan(r) || std::isnan(g)) ok = std::isnan(r) && std::isnan(g), diff = ok ? 0 : INFINITY;
            else if (std::isinf(r) || std::isinf(g)) ok = r == g, diff = ok ? 0 : INFINITY;
            else diff = std::fabs(g - r), ok = diff <= atol + rtol * std::fabs(r);
        } else {
            long double r = integerAt(ref, i), g = integerAt(got, i);
            diff = static_cast<double>(g > r ? g - r : r - g);
            ok = ref.onnxType == P::BOOL ? r == g : diff <= atol + rtol * std::fabs(static_cast<double>(r));
        }
        if (!ok) {
            if (first < 0) first = i;
            ++bad;
            worst = std::max(worst, diff);
        }
    }
    if (bad == 0) return true;
    std::ostringstream s;
    s << bad << " of " << ref.count() << " elements differ (max abs diff " << worst << "); first at " << first << ": ";
    if (isFloating(ref.onnxType)) s << floatAt(got, first) << " vs " << floatAt(ref, first);
    else s << static_cast<double>(integerAt(got, first)) << " vs " << static_cast<double>(integerAt(ref, first));
    why = s.str();
    return false;
}

bool compareRandomOutput(const SuiteTensor& ref, const SuiteTensor& got, std::string& why) {
    if (!sameShapeAndType(ref, got, why)) return false;
    auto value = [](const SuiteTensor& t, int64_t i) {
        return isFloating(t.onnxType) ? floatAt(t, i) : static_cast<double>(integerAt(t, i));
    };
    bool binary = true;
    for (int64_t i = 0; i < ref.count() && binary; ++i) binary = value(ref, i) == 0 || value(ref, i) == 1;
    for (int64_t i = 0; i < got.count(); ++i) {
        double v = value(got, i);
        if (!std::isfinite(v) || (binary && v != 0 && v != 1)) {
            why = "random output " + std::to_string(i) + " is " + std::to_string(v) +
                  (binary ? ", expected 0 or 1" : ", expected a finite value");
            return false;
        }
    }
    return true;
}

}  // namespace kiln::conformance
