#include "engine/plan_reader.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <tuple>

#include "core/status.h"
#include "engine/checksum.h"
#include "engine/compatibility.h"
#include "engine/engine_generated.h"
#include "engine/plan_writer.h"

namespace kiln::engine {
namespace {

namespace fbs = kiln::engine::fb;
using flatbuffers::Vector;

constexpr size_t kMinFileSize = 16;  // root offset, identifier, a minimal root table
constexpr uint64_t kMaxFlatBufferSize = FLATBUFFERS_MAX_BUFFER_SIZE - 1;
constexpr size_t kMaxRank = 8;  // Dims::MAX_DIMS

#define KILN_CORRUPT(cond) KILN_CHECK(cond) << "engine plan file is corrupted: "

//! FlatBuffers reads scalars in place: `data` itself when it is 8-byte aligned, else an aligned copy.
class AlignedView {
public:
    AlignedView(const uint8_t* data, size_t size) : mData(data) {
        if (reinterpret_cast<uintptr_t>(data) % alignof(uint64_t) == 0) return;
        mCopy.resize((size + 7) / 8);
        std::memcpy(mCopy.data(), data, size);
        mData = reinterpret_cast<const uint8_t*>(mCopy.data());
    }
    const uint8_t* data() const { return mData; }

private:
    const uint8_t* mData;
    std::vector<uint64_t> mCopy;
};

std::string label(const std::string& name, size_t index) { return "'" + name + "' (#" + std::to_string(index) + ")"; }

class PlanReader {
public:
    PlanReader(const uint8_t* file, size_t fileSize, uint64_t weightsOffset, uint64_t flatBufferSize)
        : mFile(file), mFileSize(fileSize), mWeightsOffset(weightsOffset),
          mBudget(8 * flatBufferSize + 4096) {}

    Plan read(const fbs::Engine& e) {
        Plan plan;
        plan.header = readHeader(e);
        plan.deviceMemorySize = e.device_memory_size();
        plan.layerInfoJson = str(e.layer_info_json());
        if (e.tensors()) {
            for (const auto* t : *e.tensors()) plan.tensors.push_back(readTensor(*t, plan.tensors.size()));
        }
        if (e.steps()) {
            for (const auto* s : *e.steps()) plan.steps.push_back(readStep(*s, plan.steps.size()));
        }
        if (e.weights()) {
            for (const auto* w : *e.weights()) plan.weights.push_back(readWeightsInfo(*w, plan.weights.size()));
        }
        checkTensors(plan);
        checkSteps(plan);
        if (e.profiles()) {
            for (const auto* p : *e.profiles()) plan.profiles.push_back(readProfile(*p, plan));
        }
        readWeightsBytes(e, plan);
        return plan;
    }

private:
    //! Bounds what a small file can expand to when many offsets point at the same table.
    void consume(uint64_t units) {
        KILN_CORRUPT(units <= mBudget) << "its contents expand far beyond its size";
        mBudget -= units;
    }

    std::string str(const flatbuffers::String* s) {
        if (!s) return {};
        consume(s->size() + 8);
        return s->str();
    }

    //! Copied bytewise: the verifier (2.0.8) checks only the 4-byte alignment of a vector's length,
    //! so the elements of a hostile [long] may be misaligned.
    template <class T>
    std::vector<T> vec(const Vector<T>* v) {
        static_assert(FLATBUFFERS_LITTLEENDIAN, "the engine file is little-endian");
        if (!v) return {};
        consume(8ull * v->size());
        std::vector<T> out(v->size());
        if (!out.empty()) std::memcpy(out.data(), v->Data(), out.size() * sizeof(T));
        return out;
    }

    static DataType dataType(fbs::DataType t, const std::string& what) {
        const auto v = static_cast<int32_t>(t);
        KILN_CORRUPT(v >= static_cast<int32_t>(fbs::DataType::MIN) && v <= static_cast<int32_t>(fbs::DataType::MAX))
            << what << " has an unknown data type " << v;
        return static_cast<DataType>(v);
    }

    static void checkDims(const std::vector<int64_t>& dims, bool allowDynamic, const std::string& what) {
        KILN_CORRUPT(dims.size() <= kMaxRank) << what << " has rank " << dims.size() << ", more than " << kMaxRank;
        for (int64_t d : dims) {
            KILN_CORRUPT(d >= 0 || (allowDynamic && d == -1)) << what << " has an invalid dimension " << d;
        }
    }

    Header readHeader(const fbs::Engine& e) {
        Header h;
        h.formatVersion = e.format_version();
        h.libraryVersion = e.library_version();
        if (const auto* fh = e.header()) {
            const auto backend = static_cast<int32_t>(fh->backend());
            KILN_CORRUPT(backend == static_cast<int32_t>(DeviceType::kCPU) ||
                         backend == static_cast<int32_t>(DeviceType::kGPU))
                << "unknown backend " << backend;
            h.backend = static_cast<DeviceType>(backend);
            h.deviceName = str(fh->device_name());
            h.computeCapability = fh->compute_capability();
            h.buildOptions = str(fh->build_options());
        }
        return h;
    }

    TensorSlot readTensor(const fbs::Tensor& t, size_t index) {
        consume(16);
        TensorSlot s;
        s.name = str(t.name());
        const std::string what = "tensor " + label(s.name, index);
        s.type = dataType(t.type(), what);
        s.dims = vec(t.dims());
        checkDims(s.dims, true, what);
        s.isInput = t.is_input();
        s.isOutput = t.is_output();
        s.weightIndex = t.weight_index();
        s.firstStep = t.first_step();
        s.lastStep = t.last_step();
        return s;
    }

    ir::AttrValue readAttrValue(const fbs::Attribute& a, const std::string& what) {
        switch (a.value_type()) {
            case fbs::AttrValue::IntAttr:
                if (const auto* v = a.value_as_IntAttr()) return v->value();
                break;
            case fbs::AttrValue::DoubleAttr:
                if (const auto* v = a.value_as_DoubleAttr()) return v->value();
                break;
            case fbs::AttrValue::StringAttr:
                if (const auto* v = a.value_as_StringAttr()) return str(v->value());
                break;
            case fbs::AttrValue::IntsAttr:
                if (const auto* v = a.value_as_IntsAttr()) return vec(v->value());
                break;
            case fbs::AttrValue::DoublesAttr:
                if (const auto* v = a.value_as_DoublesAttr()) return vec(v->value());
                break;
            default: break;
        }
        KILN_CORRUPT(false) << what << " has no value of a known kind (kind "
                            << static_cast<int32_t>(a.value_type()) << ")";
        return {};
    }

    Step readStep(const fbs::Step& fs, size_t index) {
        consume(16);
        Step s;
        s.layerName = str(fs.layer_name());
        s.opName = str(fs.op_name());
        const std::string what = "step " + label(s.layerName, index);
        if (fs.attributes()) {
            for (const auto* a : *fs.attributes()) {
                consume(16);
                const std::string name = str(a->name());
                const std::string attrWhat = what + " attribute '" + name + "'";
                KILN_CORRUPT(!name.empty()) << what << " has an attribute without a name";
                ir::AttrValue value = readAttrValue(*a, attrWhat);
                KILN_CORRUPT(s.attributes.emplace(name, std::move(value)).second) << attrWhat << " is repeated";
            }
        }
        s.inputs = vec(fs.inputs());
        s.outputs = vec(fs.outputs());
        s.tacticName = str(fs.tactic_name());
        KILN_CORRUPT(!s.tacticName.empty()) << what << " names no implementation";
        s.workspaceSize = fs.workspace_size();
        s.precision = dataType(fs.precision(), what);
        if (fs.fused_from()) {
            for (const auto* f : *fs.fused_from()) s.fusedFrom.push_back(str(f));
        }
        return s;
    }

    Weights readWeightsInfo(const fbs::WeightsBlob& w, size_t index) {
        consume(16);
        Weights out;
        const std::string what = "weights #" + std::to_string(index);
        out.type = dataType(w.type(), what);
        out.dims = vec(w.dims());
        checkDims(out.dims, false, what);
        const uint64_t elem = dataTypeSize(out.type);
        KILN_CORRUPT(elem > 0) << what << " has type " << dataTypeName(out.type) << ", which cannot hold weights";
        uint64_t bytes = elem;
        for (int64_t d : out.dims) {
            KILN_CORRUPT(!__builtin_mul_overflow(bytes, static_cast<uint64_t>(d), &bytes))
                << what << " has dimensions whose size overflows";
        }
        KILN_CORRUPT(w.size() == bytes) << what << " claims " << w.size() << " bytes, its dims and type need "
                                        << bytes;
        return out;
    }

    void checkTensors(const Plan& plan) {
        std::set<std::string> ioNames;
        const auto nSteps = static_cast<int64_t>(plan.steps.size());
        for (size_t i = 0; i < plan.tensors.size(); ++i) {
            const TensorSlot& t = plan.tensors[i];
            const std::string what = "tensor " + label(t.name, i);
            KILN_CORRUPT(t.weightIndex == -1 ||
                         (t.weightIndex >= 0 && static_cast<size_t>(t.weightIndex) < plan.weights.size()))
                << what << " refers to weights #" << t.weightIndex << " of " << plan.weights.size();
            KILN_CORRUPT(!(t.isInput && t.weightIndex >= 0)) << what << " is both a network input and a constant";
            if (t.isInput || t.isOutput) {
                KILN_CORRUPT(!t.name.empty()) << "network input or output #" << i << " has no name";
                KILN_CORRUPT(ioNames.insert(t.name).second) << "two network inputs or outputs are named '" << t.name
                                                            << "'";
            }
            for (int32_t s : {t.firstStep, t.lastStep}) {
                KILN_CORRUPT(s >= -1 && s < nSteps) << what << " has liveness step " << s << " of " << nSteps;
            }
            KILN_CORRUPT(t.firstStep < 0 || t.lastStep < 0 || t.firstStep <= t.lastStep)
                << what << " is live from step " << t.firstStep << " to step " << t.lastStep;
        }
    }

    //! Every tensor index is in range, and every step reads only what is already defined.
    void checkSteps(const Plan& plan) {
        const auto nTensors = static_cast<int64_t>(plan.tensors.size());
        std::vector<char> defined(plan.tensors.size(), 0);
        for (size_t i = 0; i < plan.tensors.size(); ++i) {
            defined[i] = plan.tensors[i].isInput || plan.tensors[i].weightIndex >= 0;
        }
        for (size_t si = 0; si < plan.steps.size(); ++si) {
            const Step& s = plan.steps[si];
            const std::string what = "step " + label(s.layerName, si);
            for (int32_t in : s.inputs) {
                if (in == -1) continue;
                KILN_CORRUPT(in >= 0 && in < nTensors) << what << " reads tensor #" << in << " of " << nTensors;
                KILN_CORRUPT(defined[in]) << what << " reads tensor " << label(plan.tensors[in].name, in)
                                          << " before any step writes it";
            }
            for (int32_t out : s.outputs) {
                KILN_CORRUPT(out >= 0 && out < nTensors) << what << " writes tensor #" << out << " of " << nTensors;
                KILN_CORRUPT(!defined[out]) << what << " writes tensor " << label(plan.tensors[out].name, out)
                                            << ", which is already defined";
                defined[out] = 1;
            }
        }
        for (size_t i = 0; i < plan.tensors.size(); ++i) {
            KILN_CORRUPT(!plan.tensors[i].isOutput || defined[i])
                << "network output " << label(plan.tensors[i].name, i) << " is never written";
        }
    }

    Profile readProfile(const fbs::Profile& fp, const Plan& plan) {
        consume(16);
        Profile p;
        const std::string what = "optimization profile #" + std::to_string(plan.profiles.size());
        if (!fp.inputs()) return p;
        std::set<std::string> seen;
        for (const auto* fin : *fp.inputs()) {
            consume(16);
            ProfileInput in;
            in.name = str(fin->name());
            in.min = vec(fin->min());
            in.opt = vec(fin->opt());
            in.max = vec(fin->max());
            const std::string inWhat = what + " input '" + in.name + "'";
            KILN_CORRUPT(seen.insert(in.name).second) << inWhat << " is repeated";
            const auto it = std::find_if(plan.tensors.begin(), plan.tensors.end(),
                                         [&](const TensorSlot& t) { return t.isInput && t.name == in.name; });
            KILN_CORRUPT(it != plan.tensors.end()) << inWhat << " is not a network input";
            const size_t rank = it->dims.size();
            KILN_CORRUPT(in.min.size() == rank && in.opt.size() == rank && in.max.size() == rank)
                << inWhat << " has min/opt/max of ranks " << in.min.size() << "/" << in.opt.size() << "/"
                << in.max.size() << ", the input has rank " << rank;
            for (size_t d = 0; d < rank; ++d) {
                KILN_CORRUPT(0 <= in.min[d] && in.min[d] <= in.opt[d] && in.opt[d] <= in.max[d])
                    << inWhat << " dimension " << d << " has min " << in.min[d] << ", opt " << in.opt[d]
                    << ", max " << in.max[d];
            }
            p.inputs.push_back(std::move(in));
        }
        return p;
    }

    std::string weightsName(const Plan& plan, size_t index) {
        for (size_t i = 0; i < plan.tensors.size(); ++i) {
            if (plan.tensors[i].weightIndex == static_cast<int32_t>(index)) return label(plan.tensors[i].name, i);
        }
        return "#" + std::to_string(index) + " (weights)";
    }

    //! Blobs lie inside the weights region, aligned, without overlap; their checksums match.
    void readWeightsBytes(const fbs::Engine& e, Plan& plan) {
        const uint64_t regionSize = mFileSize - mWeightsOffset;
        std::vector<std::tuple<uint64_t, uint64_t, size_t>> ranges;  // offset, size, index
        for (size_t i = 0; i < plan.weights.size(); ++i) {
            const auto* w = e.weights()->Get(static_cast<flatbuffers::uoffset_t>(i));
            const uint64_t off = w->offset(), size = w->size();
            const std::string what = "weights #" + std::to_string(i);
            KILN_CORRUPT(off % kWeightsAlignment == 0) << what << " is at offset " << off << ", not "
                                                       << kWeightsAlignment << "-byte aligned";
            KILN_CORRUPT(off <= regionSize && size <= regionSize - off)
                << what << " (" << size << " bytes at offset " << off << ") lies outside the " << regionSize
                << "-byte weights region";
            ranges.emplace_back(off, size, i);
        }
        std::sort(ranges.begin(), ranges.end());
        for (size_t k = 1; k < ranges.size(); ++k) {
            KILN_CORRUPT(std::get<0>(ranges[k - 1]) + std::get<1>(ranges[k - 1]) <= std::get<0>(ranges[k]))
                << "weights #" << std::get<2>(ranges[k - 1]) << " and #" << std::get<2>(ranges[k]) << " overlap";
        }
        for (size_t i = 0; i < plan.weights.size(); ++i) {
            const auto* w = e.weights()->Get(static_cast<flatbuffers::uoffset_t>(i));
            const uint8_t* bytes = mFile + mWeightsOffset + w->offset();
            KILN_CORRUPT(checksum64(bytes, w->size()) == w->checksum())
                << "weights checksum mismatch for tensor " << weightsName(plan, i);
            plan.weights[i].bytes.assign(bytes, bytes + w->size());
        }
    }

    const uint8_t* mFile;
    uint64_t mFileSize;
    uint64_t mWeightsOffset;
    uint64_t mBudget;
};

}  // namespace

Plan readPlan(const void* data, size_t size) {
    const auto* file = static_cast<const uint8_t*>(data);
    KILN_CHECK(file != nullptr || size == 0) << "engine plan: null data with size " << size;
    KILN_CHECK(size > 0) << "engine plan is empty (0 bytes)";
    KILN_CHECK(size >= kMinFileSize) << "not a Kiln engine plan file: it has only " << size << " bytes";
    KILN_CHECK(std::memcmp(file + sizeof(flatbuffers::uoffset_t), kMagic, sizeof(kMagic)) == 0)
        << "not a Kiln engine plan file: its magic bytes are not \"KILN\"";

    // The preamble (versions and layout) is verified on its own, so that a file of another version
    // gets the version message rather than a verifier error.
    const AlignedView view(file, static_cast<size_t>(std::min<uint64_t>(size, kMaxFlatBufferSize)));
    uint64_t weightsOffset = 0, weightsSize = 0;
    {
        flatbuffers::Verifier::Options opts;
        opts.max_depth = 2;
        opts.max_tables = 2;
        flatbuffers::Verifier verifier(view.data(), std::min<uint64_t>(size, kMaxFlatBufferSize), opts);
        KILN_CORRUPT(verifier.VerifyBuffer<fbs::EnginePreamble>(nullptr)) << "its header cannot be read";
        const auto* pre = flatbuffers::GetRoot<fbs::EnginePreamble>(view.data());
        checkFormatVersion(pre->format_version());
        checkLibraryVersion(pre->library_version());
        weightsOffset = pre->weights_offset();
        weightsSize = pre->weights_size();
    }
    KILN_CORRUPT(weightsOffset >= kMinFileSize && weightsOffset <= kMaxFlatBufferSize &&
                 weightsOffset % kWeightsAlignment == 0)
        << "its weights region offset " << weightsOffset << " is invalid";
    KILN_CHECK(weightsSize <= UINT64_MAX - weightsOffset && weightsOffset + weightsSize <= size)
        << "engine plan file is truncated: its header claims " << weightsOffset << " + " << weightsSize
        << " bytes, the file has " << size;
    KILN_CORRUPT(weightsOffset + weightsSize == size)
        << (size - weightsOffset - weightsSize) << " bytes of unexpected data follow the weights region";

    // The FlatBuffer must lie before the weights region. Tables can be shared, so their number is
    // bounded (each takes at least 4 bytes) to keep the verifier's work linear-ish in the size.
    flatbuffers::Verifier::Options opts;
    opts.max_depth = 16;
    opts.max_tables = static_cast<flatbuffers::uoffset_t>(weightsOffset / 4 + 16);
    flatbuffers::Verifier verifier(view.data(), static_cast<size_t>(weightsOffset), opts);
    KILN_CORRUPT(fbs::VerifyEngineBuffer(verifier)) << "the FlatBuffers verifier rejected it";

    PlanReader reader(file, size, weightsOffset, weightsOffset);
    return reader.read(*fbs::GetEngine(view.data()));
}

}  // namespace kiln::engine
