#include "kiln/version.h"

#define KILN_STR2(x) #x
#define KILN_STR(x) KILN_STR2(x)
#define KILN_CAT5(a, b, c, d, e) a##_##b##_##c##_##d##_##e
#define KILN_VERSION_SYMBOL(a, b, c, d) KILN_CAT5(kiln_version, a, b, c, d)

// The exported marker symbol: `nm -D libkiln.so | grep kiln_version_` shows the version.
extern "C" KILN_API const int KILN_VERSION_SYMBOL(KILN_VERSION_MAJOR, KILN_VERSION_MINOR, KILN_VERSION_PATCH,
                                                  KILN_VERSION_BUILD) = KILN_VERSION;

namespace kiln {

int32_t getKilnVersion() noexcept { return KILN_VERSION; }

const char* getKilnVersionString() noexcept {
    return KILN_STR(KILN_VERSION_MAJOR) "." KILN_STR(KILN_VERSION_MINOR) "." KILN_STR(
        KILN_VERSION_PATCH) "." KILN_STR(KILN_VERSION_BUILD);
}

}  // namespace kiln
