// The compatibility checks an engine plan must pass before anything in it is trusted, with
// TensorRT's messages (SPEC §3).
#pragma once

#include <cstdint>
#include <string>

namespace kiln::engine {

//! "MAJOR.MINOR.PATCH.BUILD" of a KILN_VERSION number.
std::string versionString(int32_t version);
//! Throws KilnError with the SPEC message when the plan's library version differs from ours.
void checkLibraryVersion(int32_t planVersion);
//! Throws KilnError with the SPEC message when the plan's format version differs from ours.
void checkFormatVersion(uint32_t planFormat);

}  // namespace kiln::engine
