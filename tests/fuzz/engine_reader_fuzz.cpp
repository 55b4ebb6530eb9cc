// libFuzzer target: the engine file reader must reject any bytes with a KilnError, never crash,
// and whatever it accepts must survive a write/read round trip.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "core/status.h"
#include "engine/plan_reader.h"
#include "engine/plan_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    kiln::engine::Plan plan;
    try {
        plan = kiln::engine::readPlan(data, size);
    } catch (const kiln::KilnError&) {
        return 0;
    }
    try {
        const std::vector<uint8_t> again = kiln::engine::writePlan(plan);
        kiln::engine::readPlan(again.data(), again.size());
    } catch (const kiln::KilnError& e) {
        std::fprintf(stderr, "an accepted plan does not round trip: %s\n", e.what());
        std::abort();
    }
    return 0;
}
