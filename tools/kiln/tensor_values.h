// Host tensor values in the CLI: random inputs and JSON values for every Kiln data type.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiln/kiln.h"

namespace kiln::cli {

float halfToFloat(uint16_t h);
uint16_t floatToHalf(float f);
float bf16ToFloat(uint16_t b);
uint16_t floatToBf16(float f);

//! trtexec-like random data: floats in [-1, 1], bools 0/1, int8 [-128, 127], uint8 [0, 255];
//! int32/int64 in [0, 3] so that index inputs (Gather, OneHot) stay in range for small tables.
void fillRandom(std::vector<uint8_t>& bytes, DataType type, std::mt19937& rng);

//! The values as JSON numbers (trtexec's --exportOutput "values"); null for types without one.
nlohmann::ordered_json valuesToJson(const std::vector<uint8_t>& bytes, DataType type);

}  // namespace kiln::cli
