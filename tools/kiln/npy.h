// NumPy .npy files (format versions 1, 2 and 3), for kiln exec --loadInputs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiln/kiln.h"

namespace kiln::cli {

struct NpyArray {
    DataType type{DataType::kFLOAT};
    std::string descr;  //!< as written in the header, e.g. "<f4"
    Dims shape;
    std::vector<uint8_t> data;  //!< C order, little-endian
};

//! True when the bytes start with the .npy magic ("\x93NUMPY").
bool isNpy(const std::vector<uint8_t>& bytes);

//! Parses a whole .npy file; nullopt with `error` set when it is malformed, truncated,
//! Fortran-ordered, big-endian or of a type Kiln has no tensor for.
std::optional<NpyArray> parseNpy(const std::vector<uint8_t>& bytes, std::string& error);

}  // namespace kiln::cli
