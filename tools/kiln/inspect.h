// kiln inspect: shared pieces of the engine and the ONNX views.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "exec_options.h"
#include "kiln/kiln.h"

namespace kiln::cli {

//! Engine::getLayerInformationJson plus "io": name, mode, type, shape (-1 for dynamic).
nlohmann::json engineInfo(const Engine& engine);

//! The engine's text view: backend, layers with implementation, precision and fusions, memory.
void printEngineInfo(const nlohmann::json& info, const std::string& title);

//! An ONNX model: its network (I/O, layers, precision constraints) and, when every input is
//! static or `shapes` names the dynamic ones, the engine built from it. Returns the exit code.
int inspectOnnx(const std::string& path, const ShapeList& shapes, bool json, Logger& logger);

}  // namespace kiln::cli
