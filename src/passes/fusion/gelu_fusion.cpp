// GELU fusion: the erf form of GELU as exporters decompose it below ONNX opset 20,
//     x * 0.5 * (1 + Erf(x / sqrt(2)))     (PyTorch's nn.GELU: Div, Erf, Add, Mul, Mul;
//                                           Hugging Face's gelu: Mul by 0.5 first; x * (1/sqrt(2)) too)
// becomes one Activation kGELU_ERF: one pass over the tensor where there were five, and one that
// the activation fusion can then carry as a matrix product's epilogue. Equal up to float
// rounding. The intermediate tensors must have no other use and must not be network outputs.
#include <cmath>
#include <optional>
#include <vector>

#include "ir/ops/activation.h"
#include "ir/ops/elementwise.h"
#include "ir/ops/unary.h"
#include "passes/fusion/pattern_match.h"
#include "passes/pass.h"

namespace kiln::passes {
namespace {

using match::isElementWise;
using match::scalarConstant;
using match::soleProducer;

bool near(float value, double expected) { return std::abs(value - expected) <= 1e-6 * std::abs(expected); }

class GeluFusion : public Pass {
public:
    const char* name() const override { return "gelu_fusion"; }
    bool run(ir::Graph& graph, PassContext& ctx) override {
        bool changed = false;
        std::vector<ir::Node*> nodes;
        for (const auto& n : graph.nodes()) nodes.push_back(n.get());
        for (ir::Node* n : nodes) {
            ir::Value* x = match(graph, n);
            if (!x) continue;
            auto op = std::make_unique<ir::ActivationOp>();
            op->type = ActivationType::kGELU_ERF;
            // The last node of the pattern becomes the activation, so the graph stays in order.
            n->op = std::move(op);
            n->inputs = {x};
            KILN_LOG(ctx.sink, kVERBOSE) << "gelu_fusion: '" << n->name << "' is a GELU (erf)";
            changed = true;
        }
        return changed;
    }

private:
    //! The factors of the product `n`, through Mul nodes whose outputs only it uses (two levels:
    //! the pattern has three factors, x, 0.5 and 1 + erf).
    static std::vector<ir::Value*> factors(const ir::Graph& graph, const ir::Node* n) {
        std::vector<ir::Value*> out;
        for (ir::Value* in : n->inputs) {
            const ir::Node* p = soleProducer(graph, in);
            if (isElementWise(p, ElementWiseOperation::kPROD)) {
                out.insert(out.end(), p->inputs.begin(), p->inputs.end());
            } else {
                out.push_back(in);
            }
        }
        return out;
    }

    //! x when `v` = 1 + Erf(x / sqrt(2)) (or Erf(x * (1/sqrt(2)))), each step used once.
    static ir::Value* onePlusErfArgument(const ir::Graph& graph, ir::Value* v) {
        const ir::Node* add = soleProducer(graph, v);
        if (!isElementWise(add, ElementWiseOperation::kSUM)) return nullptr;
        for (int side = 0; side < 2; ++side) {
            auto one = scalarConstant(add->inputs[side]);
            if (!one || *one != 1.0f) continue;
            const ir::Node* erf = soleProducer(graph, add->inputs[1 - side]);
            if (!erf || std::string(erf->op->name()) != ir::UnaryOp::kName ||
                static_cast<const ir::UnaryOp&>(*erf->op).op != UnaryOperation::kERF)
                continue;
            const ir::Node* scale = soleProducer(graph, erf->inputs[0]);
            if (isElementWise(scale, ElementWiseOperation::kDIV)) {
                auto c = scalarConstant(scale->inputs[1]);
                if (c && near(*c, std::sqrt(2.0))) return scale->inputs[0];
            } else if (isElementWise(scale, ElementWiseOperation::kPROD)) {
                for (int s = 0; s < 2; ++s) {
                    auto c = scalarConstant(scale->inputs[s]);
                    if (c && near(*c, std::sqrt(0.5))) return scale->inputs[1 - s];
                }
            }
        }
        return nullptr;
    }

    //! x when `n` is the pattern's last product: its factors are x, 0.5 and 1 + erf(x/sqrt(2)).
    static ir::Value* match(const ir::Graph& graph, const ir::Node* n) {
        if (!isElementWise(n, ElementWiseOperation::kPROD)) return nullptr;
        std::vector<ir::Value*> f = factors(graph, n);
        if (f.size() != 3) return nullptr;
        for (size_t half = 0; half < 3; ++half) {
            auto c = scalarConstant(f[half]);
            if (!c || *c != 0.5f) continue;
            for (size_t gate = 0; gate < 3; ++gate) {
                if (gate == half) continue;
                ir::Value* x = f[3 - half - gate];
                if (x->type == DataType::kFLOAT && onePlusErfArgument(graph, f[gate]) == x) return x;
            }
        }
        return nullptr;
    }
};

}  // namespace

std::unique_ptr<Pass> createGeluFusionPass() { return std::make_unique<GeluFusion>(); }

}  // namespace kiln::passes
