// Einsum reference: every combination of label values, output labels outermost. Each operand
// reads through per-label strides; a label repeated in one operand adds its strides (diagonal).
#include "ir/ops/einsum.h"

#include <map>
#include <string>
#include <type_traits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"

namespace kiln::cpu {
namespace {

struct Plan {
    std::vector<int64_t> sizes;  //!< per label: output labels first, then summed ones
    size_t nbOut{0};
    std::vector<std::vector<int64_t>> strides;  //!< [operand][label]
};

Plan planOf(const KernelArgs& args) {
    std::string eq;
    for (char c : args.opAs<ir::EinsumOp>().equation)
        if (c != ' ') eq += c;
    const size_t arrow = eq.find("->");
    std::vector<std::string> terms(1);
    for (char c : eq.substr(0, arrow)) {
        if (c == ',') {
            terms.emplace_back();
        } else {
            terms.back() += c;
        }
    }
    KILN_CHECK(terms.size() == args.inputs.size()) << "Einsum: operand count mismatch";
    std::map<char, int> count;
    std::map<char, int64_t> size;
    for (size_t i = 0; i < terms.size(); ++i) {
        KILN_CHECK(static_cast<int32_t>(terms[i].size()) == args.inputs[i].rank) << "Einsum: rank mismatch";
        for (size_t d = 0; d < terms[i].size(); ++d) {
            char c = terms[i][d];
            ++count[c];
            int64_t s = args.inputs[i].dims[d];
            auto [it, inserted] = size.emplace(c, s);
            KILN_CHECK(inserted || it->second == s)
                << "Einsum: label '" << c << "' has sizes " << it->second << " and " << s;
        }
    }
    std::string out;
    if (arrow != std::string::npos) {
        out = eq.substr(arrow + 2);
    } else {
        for (const auto& [c, n] : count)
            if (n == 1) out += c;
    }
    std::string labels = out;
    for (const auto& [c, n] : count)
        if (out.find(c) == std::string::npos) labels += c;
    Plan p;
    p.nbOut = out.size();
    for (char c : labels) p.sizes.push_back(size.at(c));
    for (size_t i = 0; i < terms.size(); ++i) {
        std::vector<int64_t> st(labels.size(), 0);
        int64_t s = 1;
        for (size_t d = terms[i].size(); d-- > 0;) {
            st[labels.find(terms[i][d])] += s;
            s *= args.inputs[i].dims[d];
        }
        p.strides.push_back(std::move(st));
    }
    return p;
}

void einsumReference(KernelArgs& args) {
    const Plan p = planOf(args);
    const size_t nbLabels = p.sizes.size();
    int64_t outCount = 1, sumCount = 1;
    for (size_t l = 0; l < nbLabels; ++l) (l < p.nbOut ? outCount : sumCount) *= p.sizes[l];
    dispatchType(args.inputs[0].type, [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, Bool> || std::is_same_v<T, int8_t> || std::is_same_v<T, uint8_t>) {
            KILN_THROW(ErrorCode::kUNSUPPORTED_STATE) << "Einsum: type not supported";
        } else {
            using Acc = std::conditional_t<isFloatStorage<T>(), double, int64_t>;
            T* out = args.outputs[0].as<T>();
            std::vector<int64_t> idx(nbLabels, 0);
            for (int64_t o = 0; o < outCount; ++o) {
                // Decode the output position into the output labels (row-major).
                for (size_t l = p.nbOut, rem = o; l-- > 0;) {
                    idx[l] = static_cast<int64_t>(rem % p.sizes[l]);
                    rem /= p.sizes[l];
                }
                Acc acc = 0;
                for (int64_t s = 0; s < sumCount; ++s) {
                    for (size_t l = nbLabels, rem = s; l-- > p.nbOut;) {
                        idx[l] = static_cast<int64_t>(rem % p.sizes[l]);
                        rem /= p.sizes[l];
                    }
                    Acc prod = 1;
                    for (size_t i = 0; i < args.inputs.size(); ++i) {
                        int64_t off = 0;
                        for (size_t l = 0; l < nbLabels; ++l) off += idx[l] * p.strides[i][l];
                        prod *= static_cast<Acc>(load(args.inputs[i].as<const T>(), off));
                    }
                    acc += prod;
                }
                store(out, o, static_cast<compute_t<T>>(acc));
            }
        }
    });
}

Tactic reference() {
    Tactic t;
    t.name = "reference";
    t.run = einsumReference;
    return t;
}

KILN_REGISTER_CPU_TACTIC("Einsum", reference());

}  // namespace
}  // namespace kiln::cpu
