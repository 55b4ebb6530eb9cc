#include "network/network_impl.h"

#include <algorithm>
#include <cstring>

#include "core/api_guard.h"
#include "ir/graph.h"

namespace kiln {

void TensorImpl::setName(const char* name) noexcept {
    if (!name || !*name) {
        mNet.sink().error(ErrorCode::kINVALID_ARGUMENT, "Tensor::setName: the name must not be empty");
        return;
    }
    mName = name;
    if (mIsInput) mNet.touch();  // symbols carry input names
    else mNet.touchNames();
}

void TensorImpl::setDimensions(Dims dims) noexcept {
    if (!mIsInput) {
        mNet.sink().error(ErrorCode::kINVALID_ARGUMENT,
                          mName + ": setDimensions is only allowed on network inputs");
        return;
    }
    mInputDims = dims;
    mNet.touch();
}

Dims TensorImpl::getDimensions() const noexcept {
    if (mIsInput) return mInputDims;
    Dims d;
    d.nbDims = -1;  // unknown (as TensorRT) when the network is invalid
    if (!mNet.inferShapes()) return d;
    d.nbDims = static_cast<int32_t>(mInfo.shape.size());
    for (int32_t i = 0; i < d.nbDims; ++i) d.d[i] = mInfo.shape[i].isConst() ? mInfo.shape[i].value() : -1;
    return d;
}

void TensorImpl::setType(DataType type) noexcept {
    if (!mIsInput && mNet.stronglyTyped()) {
        mNet.sink().error(ErrorCode::kINVALID_ARGUMENT,
                          "setType on tensor '" + mName +
                              "': a strongly typed network takes the types of layer outputs from its type rules "
                              "(add a Cast layer for another type)");
        return;
    }
    if (mIsInput) {
        mInputType = type;
    } else {
        mOutputTypeOverride = type;
    }
    mNet.touch();
}

DataType TensorImpl::getType() const noexcept {
    if (mIsInput) return mInputType;
    if (mOutputTypeOverride) return *mOutputTypeOverride;
    if (!mNet.inferShapes()) return DataType::kFLOAT;
    return mInfo.type;
}

TensorImpl* NetworkImpl::newTensor(const std::string& name) {
    mTensors.push_back(std::make_unique<TensorImpl>(*this, name));
    return mTensors.back().get();
}

TensorImpl* NetworkImpl::findTensor(const std::string& name) const {
    for (const auto& t : mTensors)
        if (t->mName == name) return t.get();
    return nullptr;
}

TensorImpl* NetworkImpl::checkTensor(Tensor& t, const char* what) const {
    auto* impl = dynamic_cast<TensorImpl*>(&t);
    KILN_CHECK(impl && &impl->mNet == this) << what << ": the tensor does not belong to this network";
    return impl;
}

Tensor* NetworkImpl::addInput(const char* name, DataType type, Dims dims) noexcept {
    return apiGuard(mSink, static_cast<Tensor*>(nullptr), [&]() -> Tensor* {
        KILN_CHECK(name && *name) << "addInput: the input name must not be empty";
        KILN_CHECK(!findTensor(name)) << "addInput: a tensor named '" << name << "' already exists";
        KILN_CHECK(type != DataType::kINT4 && type != DataType::kINT16)
            << "addInput: input '" << name << "' has type " << dataTypeName(type)
            << ", which Kiln does not support (INT4 and INT16 tensors are refused)";
        KILN_CHECK(dims.nbDims >= 0 && dims.nbDims <= Dims::MAX_DIMS)
            << "addInput: input '" << name << "' has " << dims.nbDims << " dimensions, expected 0 to " << Dims::MAX_DIMS;
        for (int32_t i = 0; i < dims.nbDims; ++i)
            KILN_CHECK(dims.d[i] >= -1) << "addInput: input '" << name << "' dimension " << i << " is " << dims.d[i]
                                        << ", expected -1 (dynamic) or >= 0";
        TensorImpl* t = newTensor(name);
        t->mIsInput = true;
        t->mInputDims = dims;
        t->mInputType = type;
        mInputs.push_back(t);
        touch();
        return t;
    });
}

void NetworkImpl::markOutput(Tensor& tensor) noexcept {
    apiGuardVoid(mSink, [&] {
        TensorImpl* t = checkTensor(tensor, "markOutput");
        if (!t->mIsOutput) {
            t->mIsOutput = true;
            mOutputs.push_back(t);
            touchNames();
        }
    });
}

bool NetworkImpl::unmarkOutput(Tensor& tensor) noexcept {
    return apiGuard(mSink, false, [&] {
        TensorImpl* t = checkTensor(tensor, "unmarkOutput");
        auto it = std::find(mOutputs.begin(), mOutputs.end(), t);
        if (it == mOutputs.end()) return false;
        mOutputs.erase(it);
        t->mIsOutput = false;
        touchNames();
        return true;
    });
}

Layer* NetworkImpl::getLayer(int32_t i) const noexcept {
    return i >= 0 && i < getNbLayers() ? mLayers[i]->asLayer() : nullptr;
}
Tensor* NetworkImpl::getInput(int32_t i) const noexcept { return i >= 0 && i < getNbInputs() ? mInputs[i] : nullptr; }
Tensor* NetworkImpl::getOutput(int32_t i) const noexcept {
    return i >= 0 && i < getNbOutputs() ? mOutputs[i] : nullptr;
}

std::shared_ptr<const ir::HostTensor> NetworkImpl::copyWeights(const std::string& layer, const char* what,
                                                               const Weights& w, std::vector<int64_t> dims,
                                                               bool optional) const {
    KILN_CHECK(!(w.count > 0 && w.values == nullptr)) << layer << ": " << what << " weights has non-zero count but null values";
    KILN_CHECK(!(w.count == 0 && w.values != nullptr)) << layer << ": " << what << " weights has zero count but non-null values";
    KILN_CHECK(w.count >= 0) << layer << ": " << what << " weights has negative count " << w.count;
    if (w.count == 0) {
        KILN_CHECK(optional) << layer << ": " << what << " weights are required, got none";
        return nullptr;
    }
    KILN_CHECK(w.type != DataType::kINT4 && w.type != DataType::kINT16)
        << layer << ": " << what << " weights have type " << dataTypeName(w.type) << ", which Kiln does not support";
    if (dims.empty()) dims = {w.count};
    KILN_CHECK(ir::numelOf(dims) == w.count)
        << layer << ": " << what << " weights has count " << w.count << " but expected " << ir::numelOf(dims)
        << " for shape " << ir::dimsToString(dims);
    auto t = std::make_shared<ir::HostTensor>(ir::HostTensor::make(w.type, dims));
    std::memcpy(t->data(), w.values, t->bytes());
    return t;
}

}  // namespace kiln
