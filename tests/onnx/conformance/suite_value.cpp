#include "suite_value.h"

#include <fstream>
#include <iterator>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "onnx/onnx.pb.h"

namespace kiln::conformance {
namespace {

using google::protobuf::internal::WireFormatLite;

// One field of a message: its number and, for length-delimited fields, the bytes.
struct Field {
    uint32_t number{0};
    uint64_t varint{0};
    std::string bytes;
};

// The top-level fields of a serialized message; false if the bytes are not one.
bool fieldsOf(const std::string& data, std::vector<Field>& fields) {
    google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(data.data()), static_cast<int>(data.size()));
    while (uint32_t tag = in.ReadTag()) {
        Field f;
        f.number = WireFormatLite::GetTagFieldNumber(tag);
        switch (WireFormatLite::GetTagWireType(tag)) {
            case WireFormatLite::WIRETYPE_VARINT:
                if (!in.ReadVarint64(&f.varint)) return false;
                break;
            case WireFormatLite::WIRETYPE_LENGTH_DELIMITED: {
                uint32_t n = 0;
                if (!in.ReadVarint32(&n) || !in.ReadString(&f.bytes, static_cast<int>(n))) return false;
                break;
            }
            default:
                if (!WireFormatLite::SkipField(&in, tag)) return false;
                break;
        }
        fields.push_back(std::move(f));
    }
    return in.ConsumedEntireMessage();
}

// SequenceProto: elem_type = 2 (TENSOR = 1), tensor_values = 3.
constexpr uint32_t kElemType = 2, kTensorValues = 3;
// OptionalProto: elem_type = 2 (UNDEFINED = 0 is empty, TENSOR = 1, SEQUENCE = 3),
// tensor_value = 3, sequence_value = 5.
constexpr uint32_t kTensorValue = 3, kSequenceValue = 5;
constexpr uint64_t kTensor = 1, kSequence = 3;

bool parseSequence(const std::string& data, const std::string& path, SuiteValue& out, std::string& error) {
    std::vector<Field> fields;
    if (!fieldsOf(data, fields)) {
        error = path + " is not a SequenceProto";
        return false;
    }
    out.kind = SuiteValue::Kind::kSequence;
    for (const auto& f : fields) {
        if (f.number == kElemType && f.varint != kTensor && f.varint != 0) {
            error = path + ": a sequence of non-tensors (elem_type " + std::to_string(f.varint) + ") is not read";
            return false;
        }
        if (f.number != kTensorValues) continue;
        SuiteTensor t;
        if (!parseSuiteTensor(f.bytes, path, t, error)) return false;
        out.tensors.push_back(std::move(t));
    }
    return true;
}

bool parseOptional(const std::string& data, const std::string& path, SuiteValue& out, std::string& error) {
    std::vector<Field> fields;
    if (!fieldsOf(data, fields)) {
        error = path + " is not an OptionalProto";
        return false;
    }
    uint64_t elemType = 0;
    for (const auto& f : fields)
        if (f.number == kElemType) elemType = f.varint;
    out.kind = SuiteValue::Kind::kNone;
    for (const auto& f : fields) {
        if (elemType == kTensor && f.number == kTensorValue) {
            out.kind = SuiteValue::Kind::kTensor;
            out.tensors.resize(1);
            return parseSuiteTensor(f.bytes, path, out.tensors[0], error);
        }
        if (elemType == kSequence && f.number == kSequenceValue) return parseSequence(f.bytes, path, out, error);
    }
    if (elemType != 0 && elemType != kTensor && elemType != kSequence) {
        error = path + ": an optional of elem_type " + std::to_string(elemType) + " is not read";
        return false;
    }
    return true;  // no value: empty
}

}  // namespace

bool readSuiteValue(const std::string& path, const ::onnx::TypeProto& type, SuiteValue& out, std::string& error) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        error = "cannot read " + path;
        return false;
    }
    const std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    out = SuiteValue{};
    if (type.has_sequence_type()) return parseSequence(data, path, out, error);
    if (type.has_optional_type()) return parseOptional(data, path, out, error);
    if (type.has_map_type() || type.has_sparse_tensor_type()) {
        error = path + ": maps and sparse tensors are not read by the runner";
        return false;
    }
    out.tensors.resize(1);
    return parseSuiteTensor(data, path, out.tensors[0], error);
}

}  // namespace kiln::conformance
