// libFuzzer target: the ONNX parser on arbitrary bytes. Whatever the bytes, parsing ends with
// success or errors in the parser's list — never a crash, a hang or unbounded memory.
#include <cstddef>
#include <cstdint>

#include "kiln/kiln.h"
#include "kiln/onnx_parser.h"

namespace {
class SilentLogger : public kiln::Logger {
public:
    void log(Severity, const char*) noexcept override {}
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    SilentLogger logger;
    auto builder = kiln::createBuilder(logger);
    auto network = builder->createNetwork();
    auto parser = kiln::onnxparser::createParser(*network, logger);
    const bool ok = parser->parse(data, size, nullptr);
    // A failed parse always says why.
    if (!ok && parser->getNbErrors() == 0) __builtin_trap();
    for (int32_t i = 0; i < parser->getNbErrors(); ++i) (void)parser->getError(i)->desc();
    return 0;
}
