// Deserializes an engine file into a Plan, trusting nothing in it.
#pragma once

#include <cstddef>

#include "engine/engine_data.h"

namespace kiln::engine {

//! Reads an engine file written by writePlan. Checks, in order: size and the "KILN" magic, the
//! format and library versions (compatibility.h's SPEC messages), the file size the header claims,
//! the FlatBuffers verifier, then the plan's meaning (indices, types, dims, weights ranges and
//! checksums, liveness, every step input defined before use). Any failure throws KilnError
//! (kINVALID_ARGUMENT for a damaged or foreign file, kINVALID_STATE for a version mismatch); no
//! input makes it crash. `data` needs no particular alignment, but 8-byte aligned data is read in
//! place (otherwise the FlatBuffer part is copied first).
Plan readPlan(const void* data, size_t size);

}  // namespace kiln::engine
