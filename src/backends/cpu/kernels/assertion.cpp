// Assertion: fails the execution with the node's message when any element is false.
#include "ir/ops/assertion.h"

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"

namespace kiln::cpu {
namespace {

Tactic assertionReference() {
    Tactic t;
    t.name = "reference";
    t.run = [](KernelArgs& args) {
        const auto& op = args.opAs<ir::AssertionOp>();
        const ir::TensorView& in = args.inputs[0];
        KILN_CHECK(in.type == DataType::kBOOL) << "Assertion needs a bool input, got " << dataTypeName(in.type);
        const uint8_t* p = in.as<const uint8_t>();
        const int64_t n = in.numel();
        for (int64_t i = 0; i < n; ++i) {
            KILN_CHECK_CODE(p[i] != 0, ErrorCode::kFAILED_EXECUTION)
                << (op.message.empty() ? std::string("Assertion failed") : op.message);
        }
    };
    return t;
}

KILN_REGISTER_CPU_TACTIC("Assertion", assertionReference());

}  // namespace
}  // namespace kiln::cpu
