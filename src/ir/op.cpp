#include "ir/op.h"

#include <map>
#include <mutex>
#include <sstream>

namespace kiln::ir {

const ValueInfo& InferContext::input(int32_t i) const {
    KILN_CHECK(hasInput(i)) << mNodeName << ": input " << i << " is missing";
    return *mInputs[i];
}

void InferContext::setOutput(int32_t i, DataType type, Shape shape, std::optional<std::vector<DimExpr>> value) {
    KILN_CHECK(shape.size() <= static_cast<size_t>(Dims::MAX_DIMS))
        << mNodeName << ": output has " << shape.size() << " dimensions, at most " << Dims::MAX_DIMS << " allowed";
    if (mOutputs.size() <= static_cast<size_t>(i)) mOutputs.resize(i + 1);
    mOutputs[i].type = type;
    mOutputs[i].shape = std::move(shape);
    mOutputs[i].value = std::move(value);
}

int32_t InferContext::normalizeAxis(int64_t axis, int32_t rank) const {
    KILN_CHECK(axis >= -rank && axis < std::max(rank, 1))
        << mNodeName << ": axis " << axis << " is out of range for a tensor of rank " << rank
        << " (expected [" << -rank << ", " << rank - 1 << "])";
    return static_cast<int32_t>(axis < 0 ? axis + rank : axis);
}

std::vector<DimExpr> InferContext::requireValue(int32_t i, const char* what) const {
    const ValueInfo& in = input(i);
    KILN_CHECK_CODE(in.value.has_value(), ErrorCode::kUNSUPPORTED_STATE)
        << mNodeName << ": the " << what << " (input " << i
        << ") must be computable from shapes and constants at build time";
    return *in.value;
}

namespace {
class ToMap : public AttrVisitor {
public:
    AttrMap map;
    void visit(const char* n, int64_t& v) override { map[n] = v; }
    void visit(const char* n, double& v) override { map[n] = v; }
    void visit(const char* n, std::string& v) override { map[n] = v; }
    void visit(const char* n, std::vector<int64_t>& v) override { map[n] = v; }
    void visit(const char* n, std::vector<double>& v) override { map[n] = v; }
};

class FromMap : public AttrVisitor {
public:
    explicit FromMap(const AttrMap& m, const char* op) : mMap(m), mOp(op) {}
    void visit(const char* n, int64_t& v) override { get(n, v); }
    void visit(const char* n, double& v) override { get(n, v); }
    void visit(const char* n, std::string& v) override { get(n, v); }
    void visit(const char* n, std::vector<int64_t>& v) override { get(n, v); }
    void visit(const char* n, std::vector<double>& v) override { get(n, v); }

private:
    template <class T>
    void get(const char* n, T& v) {
        auto it = mMap.find(n);
        if (it == mMap.end()) return;  // absent: keep the default
        const T* p = std::get_if<T>(&it->second);
        KILN_CHECK(p != nullptr) << "attribute '" << n << "' of op " << mOp << " has the wrong type";
        v = *p;
    }
    const AttrMap& mMap;
    const char* mOp;
};

std::map<std::string, OpFactory>& registry() {
    static std::map<std::string, OpFactory> r;
    return r;
}
}  // namespace

std::string attrToString(const AttrValue& value) {
    std::ostringstream os;
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, double>) {
                os << v;
            } else if constexpr (std::is_same_v<T, std::string>) {
                os << '"' << v << '"';
            } else {
                os << "[";
                for (size_t i = 0; i < v.size(); ++i) os << (i ? "," : "") << v[i];
                os << "]";
            }
        },
        value);
    return os.str();
}

AttrMap Op::attributes() const {
    ToMap visitor;
    const_cast<Op*>(this)->reflect(visitor);  // ToMap only reads
    return std::move(visitor.map);
}

void Op::setAttributes(const AttrMap& attrs) {
    FromMap visitor(attrs, name());
    reflect(visitor);
}

std::string Op::signature() const {
    std::ostringstream os;
    os << name();
    AttrMap attrs = attributes();
    if (!attrs.empty()) {
        os << "[";
        bool first = true;
        for (const auto& [k, v] : attrs) {
            os << (first ? "" : ",") << k << "=" << attrToString(v);
            first = false;
        }
        os << "]";
    }
    return os.str();
}

void registerOp(const char* name, OpFactory factory) { registry()[name] = factory; }

std::unique_ptr<Op> createOp(const std::string& name) {
    auto it = registry().find(name);
    return it == registry().end() ? nullptr : it->second();
}

std::vector<std::string> registeredOps() {
    std::vector<std::string> names;
    for (const auto& [k, v] : registry()) names.push_back(k);
    return names;
}

Shape broadcastShapes(const InferContext& ctx, const Shape& a, const Shape& b) {
    size_t rank = std::max(a.size(), b.size());
    Shape out(rank);
    for (size_t i = 0; i < rank; ++i) {
        const DimExpr one(1);
        const DimExpr& da = i < rank - a.size() ? one : a[i - (rank - a.size())];
        const DimExpr& db = i < rank - b.size() ? one : b[i - (rank - b.size())];
        if (da.isConst() && da.value() == 1) {
            out[i] = db;
        } else if (db.isConst() && db.value() == 1) {
            out[i] = da;
        } else if (da.equals(db)) {
            out[i] = da;
        } else if (da.isConst() && db.isConst()) {
            KILN_CHECK(false) << ctx.nodeName() << ": cannot broadcast dimensions " << toString(a) << " and "
                              << toString(b) << " (expected equal dimensions or 1 at axis " << i << ")";
        } else {
            // Symbolic and different: the builder assumes they agree; the run-time check
            // (concrete values) reports a mismatch.
            out[i] = da.isConst() ? da : db.isConst() ? db : max(da, db);
        }
    }
    return out;
}

}  // namespace kiln::ir
