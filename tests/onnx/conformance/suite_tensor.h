// The tensors of the ONNX backend test suite (input_*.pb, output_*.pb): read from a TensorProto
// file in any element type, and compared as the suite's runner compares them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kiln/types.h"

namespace kiln::conformance {

//! A tensor as the suite stores it: ONNX element type, dims, and the elements in their natural
//! little-endian storage (float16/bfloat16 as their 16-bit patterns, bool as one byte).
struct SuiteTensor {
    std::string name;
    int32_t onnxType{0};
    std::vector<int64_t> dims;
    std::vector<uint8_t> bytes;
    std::vector<std::string> strings;  //!< STRING tensors only
    int64_t count() const;
};

//! Reads a serialized TensorProto; false with `error` set when the file is not one or its data
//! does not match its dims.
bool readSuiteTensor(const std::string& path, SuiteTensor& out, std::string& error);
//! The same from the serialized bytes; `path` names them in errors.
bool parseSuiteTensor(const std::string& data, const std::string& path, SuiteTensor& out, std::string& error);

//! ONNX's name of an element type ("FLOAT", "INT4", ...).
std::string onnxTypeName(int32_t onnxType);
//! The ONNX element type of a Kiln data type (FLOAT for kFLOAT, ...); 0 if there is none.
int32_t onnxTypeOf(DataType type);
//! The Kiln data type of an ONNX element type; false if Kiln has none.
bool kilnTypeOf(int32_t onnxType, DataType& type);
//! Bytes per element of an ONNX element type; 0 for strings and the sub-byte types.
size_t onnxElementSize(int32_t onnxType);

//! The suite's check of one output: same shape, same element type, and
//! np.testing.assert_allclose(got, ref, rtol, atol) (NaN equal to NaN; bfloat16 with
//! rtol >= 2^-6, as the suite's runner). False with `why` naming the first mismatch.
bool compareOutput(const SuiteTensor& ref, const SuiteTensor& got, double rtol, double atol, std::string& why);

//! For random-number cases (the suite checks those by shape and range): same shape and type,
//! values 0/1 where the reference holds only 0/1, otherwise finite values.
bool compareRandomOutput(const SuiteTensor& ref, const SuiteTensor& got, std::string& why);

}  // namespace kiln::conformance
