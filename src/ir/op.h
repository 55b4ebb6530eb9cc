// The op interface. An op is a plain struct of attributes (listed once in fields()) plus its
// shape inference. Ops register themselves by name (KILN_REGISTER_OP), so the file tree is the
// registry: adding an op adds files, it edits no central list.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "ir/attr.h"
#include "ir/dim_expr.h"
#include "ir/host_tensor.h"
#include "kiln/types.h"

namespace kiln::ir {

//! What shape inference knows of a tensor: type, shape and, for small integer tensors that
//! hold shapes (Shape → Gather → Concat → Reshape), the element values as expressions.
struct ValueInfo {
    DataType type{DataType::kFLOAT};
    Shape shape;
    std::optional<std::vector<DimExpr>> value;
    //! Set when the tensor is a build-time constant.
    const HostTensor* constant{nullptr};
};

//! ValueInfo of a constant tensor: type, shape and (small int tensors) its values.
ValueInfo constantInfo(const HostTensor& t);

//! Largest integer tensor whose values shape inference tracks.
constexpr int64_t kMaxShapeValueElements = 64;

class InferContext {
public:
    InferContext(std::string nodeName, std::vector<const ValueInfo*> inputs,
                 std::function<DimExpr(const DimExpr&)> newSymbol)
        : mNodeName(std::move(nodeName)), mInputs(std::move(inputs)), mNewSymbol(std::move(newSymbol)) {}

    const std::string& nodeName() const { return mNodeName; }
    int32_t nbInputs() const { return static_cast<int32_t>(mInputs.size()); }
    //! Optional inputs may be absent.
    bool hasInput(int32_t i) const { return i < nbInputs() && mInputs[i] != nullptr; }
    const ValueInfo& input(int32_t i) const;
    int32_t rank(int32_t i) const { return static_cast<int32_t>(input(i).shape.size()); }

    void setOutput(int32_t i, DataType type, Shape shape, std::optional<std::vector<DimExpr>> value = std::nullopt);
    std::vector<ValueInfo>& outputs() { return mOutputs; }

    //! A data-dependent size (NonZero's count...). At build time a fresh symbol bounded by
    //! `upperBound`; when the execution context plans memory, the upper bound itself.
    DimExpr newDataDependentDim(const DimExpr& upperBound) { return mNewSymbol(upperBound); }

    //! Normalises a possibly negative axis against `rank`, with a message naming the node.
    int32_t normalizeAxis(int64_t axis, int32_t rank) const;
    //! Values of a shape input (throws a clear error if they are not known).
    std::vector<DimExpr> requireValue(int32_t i, const char* what) const;

private:
    std::string mNodeName;
    std::vector<const ValueInfo*> mInputs;
    std::vector<ValueInfo> mOutputs;
    std::function<DimExpr(const DimExpr&)> mNewSymbol;
};

//! Shape errors: "<layer>: <what>" with the dims received and expected.
#define KILN_SHAPE_CHECK(ctx, cond) KILN_CHECK(cond) << (ctx).nodeName() << ": "

class Op {
public:
    virtual ~Op() = default;
    virtual const char* name() const = 0;
    virtual std::unique_ptr<Op> clone() const = 0;
    virtual void reflect(AttrVisitor& visitor) = 0;
    //! Checks the inputs and sets every output's type and shape. Throws KilnError with a
    //! message naming the node, the dims received and the dims expected.
    virtual void inferShapes(InferContext& ctx) const = 0;
    //! Inputs whose values (not only shapes) determine output shapes: read on the host.
    virtual bool isShapeInput(int32_t /*index*/) const { return false; }
    //! True when an output's size depends on input data (NonZero): the kernel reports it.
    virtual bool hasDataDependentShape() const { return false; }

    AttrMap attributes() const;
    void setAttributes(const AttrMap& attrs);
    //! "Name[attr=value,...]": printing, equality and the timing cache key.
    std::string signature() const;
};

template <class Derived>
class OpBase : public Op {
public:
    const char* name() const override { return Derived::kName; }
    std::unique_ptr<Op> clone() const override {
        return std::make_unique<Derived>(static_cast<const Derived&>(*this));
    }
    void reflect(AttrVisitor& visitor) override { static_cast<Derived*>(this)->fields(visitor); }
};

using OpFactory = std::unique_ptr<Op> (*)();
void registerOp(const char* name, OpFactory factory);
//! nullptr if no op has that name.
std::unique_ptr<Op> createOp(const std::string& name);
std::vector<std::string> registeredOps();

template <class T>
struct OpRegistration {
    OpRegistration() {
        registerOp(T::kName, []() -> std::unique_ptr<Op> { return std::make_unique<T>(); });
    }
};

// Registers an op by its kName when the library loads. The library is built from an object
// library, so every op's translation unit is linked and its registration runs.
#define KILN_REGISTER_OP(Type) static const ::kiln::ir::OpRegistration<Type> kRegister##Type;

//! Helper for binary broadcasting (numpy rules); throws with both shapes on a mismatch.
Shape broadcastShapes(const InferContext& ctx, const Shape& a, const Shape& b);

}  // namespace kiln::ir
