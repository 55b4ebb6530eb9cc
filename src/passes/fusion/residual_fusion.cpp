// Residual fusion: Add(Convolution(x), z) with z of the convolution output's exact shape and type
// (ResNet's shortcut, MobileNet's inverted-residual add) becomes the convolution with z as its
// residual input (input 3): y = conv(x, w) + bias + z, computed in the convolution's epilogue
// instead of by an Add over the whole tensor. The activation fusion, which runs after, can then
// fold the ReLU that follows the add (y = relu(conv + bias + z)). The convolution must have no
// activation of its own (it would apply before the add) and its output no other use.
#include <string>
#include <vector>

#include "ir/ops/convolution.h"
#include "ir/ops/elementwise.h"
#include "passes/pass.h"

namespace kiln::passes {
namespace {

bool sameShape(const ir::Shape& a, const ir::Shape& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!a[i].equals(b[i])) return false;
    return true;
}

class ResidualFusion : public Pass {
public:
    const char* name() const override { return "residual_fusion"; }
    bool run(ir::Graph& graph, PassContext& ctx) override {
        std::vector<ir::Node*> nodes;
        for (const auto& n : graph.nodes()) nodes.push_back(n.get());
        bool changed = false;
        for (ir::Node* add : nodes) {
            if (std::string(add->op->name()) != ir::ElementWiseOp::kName || add->inputs.size() != 2 ||
                static_cast<const ir::ElementWiseOp&>(*add->op).op != ElementWiseOperation::kSUM)
                continue;
            for (int side = 0; side < 2; ++side) {
                ir::Value* y = add->inputs[side];
                ir::Value* z = add->inputs[1 - side];
                ir::Node* conv = y ? y->producer : nullptr;
                if (!conv || !z || z == y || std::string(conv->op->name()) != ir::ConvolutionOp::kName) continue;
                const auto& cop = static_cast<const ir::ConvolutionOp&>(*conv->op);
                if (cop.fusedActivation >= 0 || conv->inputs.size() > 3 || y->isGraphOutput ||
                    graph.users(y).size() != 1)
                    continue;
                if (z->type != y->type || !sameShape(z->shape, y->shape) || !sameShape(y->shape, add->outputs[0]->shape))
                    continue;
                // The Add's node becomes the convolution: it comes after z's producer, as the
                // convolution itself may not.
                const std::string convName = conv->name, addName = add->name;
                std::vector<ir::Value*> inputs = conv->inputs;
                inputs.resize(3, nullptr);
                inputs.push_back(z);
                add->op = conv->op->clone();
                add->inputs = std::move(inputs);
                add->precision = conv->precision;
                add->fusedFrom = conv->fusedFrom;
                add->fusedFrom.push_back(addName);
                conv->name = convName + " (before residual fusion)";  // dead now: removed after the pass
                add->name = convName;
                KILN_LOG(ctx.sink, kVERBOSE) << "residual_fusion: Add '" << addName << "' is the residual of Convolution '"
                                             << convName << "'";
                changed = true;
                break;
            }
        }
        return changed;
    }
};

}  // namespace

std::unique_ptr<Pass> createResidualFusionPass() { return std::make_unique<ResidualFusion>(); }

}  // namespace kiln::passes
