// ONNX TensorProto → host weights; ONNX element types → Kiln data types.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "ir/host_tensor.h"
#include "kiln/types.h"

namespace onnx {
class TensorProto;
}

namespace kiln::onnximport {

//! The Kiln type of an ONNX element type, or a clear ImportError (INT4 and INT16 are refused,
//! as are strings, complex numbers and the 8-bit floats).
DataType fromOnnxType(int32_t onnxType, const std::string& what);
//! ONNX's name of an element type ("FLOAT", "INT4", ...).
const char* onnxTypeName(int32_t onnxType);

//! Reads an initializer or a Constant's value. `modelDir` locates
//! external data; its paths must stay inside that directory.
std::shared_ptr<const ir::HostTensor> readTensorProto(const ::onnx::TensorProto& t, const std::string& modelDir);

}  // namespace kiln::onnximport
