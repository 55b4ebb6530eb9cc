// ONNX models in the CLI: parsing into a NetworkDefinition with every parser error printed,
// describing the network, and building it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiln/kiln.h"
#include "kiln/onnx_parser.h"

namespace kiln::cli {

//! True for an ONNX model: the .onnx extension, or (not a Kiln engine and) the first field of a
//! ModelProto (ir_version, field 1, varint: byte 0x08).
bool looksLikeOnnx(const std::string& path, const std::vector<uint8_t>& bytes);

//! Parses `path` into `network`; on failure logs every parser error (code, node, op, text).
bool parseOnnxModel(const std::string& path, NetworkDefinition& network, Logger& logger, bool verbose);

const char* layerTypeName(LayerType type);
bool isDynamic(const Dims& d);

//! {"inputs": [...], "outputs": [...], "layers": [...]} of a parsed network.
nlohmann::json describeNetwork(const NetworkDefinition& network);

}  // namespace kiln::cli
