// Serializes an engine plan into the engine file format (engine.fbs).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/engine_data.h"

namespace kiln::engine {

//! Alignment of the weights region and of every blob in it, from the start of the file.
constexpr uint64_t kWeightsAlignment = 256;

//! The bytes of the engine file. Throws KilnError (kINVALID_ARGUMENT) when a weights blob's byte
//! count does not match its dims and type.
std::vector<uint8_t> writePlan(const Plan& plan);

}  // namespace kiln::engine
