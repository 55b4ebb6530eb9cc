// The values of the ONNX backend test suite that are not plain tensors: an input_*.pb or
// output_*.pb of a sequence holds a SequenceProto, one of an optional an OptionalProto
// (onnx-data.proto). Read by hand from the protobuf wire format, as Kiln compiles only
// onnx.proto.
#pragma once

#include <string>
#include <vector>

#include "suite_tensor.h"

namespace onnx {
class TypeProto;
}

namespace kiln::conformance {

//! A tensor (one element in `tensors`), a sequence of tensors, or an empty optional.
struct SuiteValue {
    enum class Kind { kTensor, kSequence, kNone };
    Kind kind{Kind::kTensor};
    std::vector<SuiteTensor> tensors;
};

//! Reads the file of a graph input or output of type `type`; false with `error` set when it is
//! not what the type says or holds what the runner does not read (maps, nested sequences).
bool readSuiteValue(const std::string& path, const ::onnx::TypeProto& type, SuiteValue& out, std::string& error);

}  // namespace kiln::conformance
