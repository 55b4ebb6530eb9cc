#include "engine/compatibility.h"

#include "core/status.h"
#include "engine/engine_data.h"
#include "kiln/version.h"

namespace kiln::engine {

std::string versionString(int32_t v) {
    return std::to_string(v / 1000000) + "." + std::to_string(v / 10000 % 100) + "." + std::to_string(v / 100 % 100) +
           "." + std::to_string(v % 100);
}

void checkLibraryVersion(int32_t planVersion) {
    KILN_CHECK_CODE(planVersion == KILN_VERSION, ErrorCode::kINVALID_STATE)
        << "The engine plan file is not compatible with this version of Kiln, expecting library version "
        << versionString(KILN_VERSION) << " got " << versionString(planVersion) << ", please rebuild.";
}

void checkFormatVersion(uint32_t planFormat) {
    KILN_CHECK_CODE(planFormat == kFormatVersion, ErrorCode::kINVALID_STATE)
        << "The engine plan file is not compatible with this version of Kiln, expecting format version "
        << kFormatVersion << " got " << planFormat << ", please rebuild.";
}

}  // namespace kiln::engine
