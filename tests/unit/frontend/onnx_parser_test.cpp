// The ONNX parser through its public API: error codes and the SPEC §3 messages, refusals of
// hostile input, external data, and a parsed model built and run against a hand computation.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/test_util.h"
#include "kiln/kiln.h"
#include "kiln/onnx_parser.h"
#include "onnx/onnx.pb.h"

namespace kiln {
namespace {

using onnxparser::ErrorCode;

class QuietLogger : public Logger {
public:
    void log(Severity s, const char* msg) noexcept override {
        if (s <= Severity::kERROR) errors.emplace_back(msg);
    }
    std::vector<std::string> errors;
};

// A model with float input x [1, 4] and opset `opset`; nodes are added by the test.
struct ModelBuilder {
    ::onnx::ModelProto model;
    explicit ModelBuilder(int64_t opset = 17) {
        model.set_ir_version(8);
        auto* o = model.add_opset_import();
        o->set_domain("");
        o->set_version(opset);
        addInput("x", ::onnx::TensorProto::FLOAT, {1, 4});
    }
    ::onnx::GraphProto& g() { return *model.mutable_graph(); }
    void addInput(const std::string& name, int32_t type, std::vector<int64_t> dims) {
        auto* in = g().add_input();
        in->set_name(name);
        auto* t = in->mutable_type()->mutable_tensor_type();
        t->set_elem_type(type);
        for (int64_t d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
    }
    void addOutput(const std::string& name) { g().add_output()->set_name(name); }
    ::onnx::NodeProto& node(const std::string& op, std::vector<std::string> in, std::vector<std::string> out,
                            const std::string& name = "") {
        auto* n = g().add_node();
        n->set_op_type(op);
        n->set_name(name.empty() ? op + "_" + std::to_string(g().node_size()) : name);
        for (auto& s : in) n->add_input(s);
        for (auto& s : out) n->add_output(s);
        return *n;
    }
    ::onnx::TensorProto& initializer(const std::string& name, int32_t type, std::vector<int64_t> dims) {
        auto* t = g().add_initializer();
        t->set_name(name);
        t->set_data_type(type);
        for (int64_t d : dims) t->add_dims(d);
        return *t;
    }
    std::string bytes() const { return model.SerializeAsString(); }
};

struct Parsed {
    QuietLogger logger;
    std::unique_ptr<Builder> builder = createBuilder(logger);
    std::unique_ptr<NetworkDefinition> network = builder->createNetwork();
    std::unique_ptr<onnxparser::Parser> parser = onnxparser::createParser(*network, logger);
    bool ok{false};
    Parsed() = default;  //!< nothing parsed yet: the test sets inputs up first
    explicit Parsed(const std::string& bytes, const char* path = nullptr) {
        ok = parser->parse(bytes.data(), bytes.size(), path);
    }
    const onnxparser::ParserError& error(int i = 0) const { return *parser->getError(i); }

    //! Builds the parsed network into an engine (kept here) and a context for it; nullptr, with
    //! the failing step reported, if the build or the deserialization fails.
    std::unique_ptr<ExecutionContext> buildContext() {
        auto config = builder->createBuilderConfig();
        auto plan = builder->buildSerializedNetwork(*network, *config);
        EXPECT_NE(plan, nullptr) << "the build failed";
        if (!plan) return nullptr;
        runtime = createRuntime(logger);
        engine = runtime->deserializeEngine(plan->data(), plan->size());
        EXPECT_NE(engine, nullptr) << "deserializeEngine failed";
        return engine ? engine->createExecutionContext() : nullptr;
    }
    std::unique_ptr<Runtime> runtime;
    std::unique_ptr<Engine> engine;
};

TEST(OnnxParser, GarbageAndTruncatedModelsAreDeserializeErrors) {
    ModelBuilder m;
    m.node("Relu", {"x"}, {"y"});
    m.addOutput("y");
    std::string good = m.bytes();
    for (size_t cut : {size_t(1), good.size() / 2, good.size() - 1}) {
        Parsed p(good.substr(0, cut));
        EXPECT_FALSE(p.ok) << "cut at " << cut;
        ASSERT_GE(p.parser->getNbErrors(), 1);
    }
    Parsed garbage(std::string("\xff\xff\xff\xff not a model", 17));
    ASSERT_FALSE(garbage.ok);
    EXPECT_EQ(garbage.error().code(), ErrorCode::kMODEL_DESERIALIZE_FAILED);
    Parsed empty("");
    EXPECT_FALSE(empty.ok);
    EXPECT_EQ(empty.error().code(), ErrorCode::kMODEL_DESERIALIZE_FAILED);
}

TEST(OnnxParser, EveryUnsupportedNodeIsReportedAtOnce) {
    ModelBuilder m;
    m.node("FancyOp", {"x"}, {"a"}, "first");
    m.node("Relu", {"a"}, {"b"});
    m.node("OtherOp", {"b"}, {"y"}, "second");
    m.addOutput("y");
    Parsed p(m.bytes());
    ASSERT_FALSE(p.ok);
    ASSERT_EQ(p.parser->getNbErrors(), 2);
    EXPECT_EQ(p.error(0).code(), ErrorCode::kUNSUPPORTED_NODE);
    EXPECT_EQ(p.error(0).node(), 0);
    EXPECT_STREQ(p.error(0).nodeName(), "first");
    EXPECT_STREQ(p.error(0).nodeOperator(), "FancyOp");
    EXPECT_NE(std::string(p.error(0).desc()).find("getPluginCreator() could not find Plugin FancyOp version 1"),
              std::string::npos)
        << p.error(0).desc();
    EXPECT_EQ(p.error(1).node(), 2);
    EXPECT_NE(std::string(p.error(1).desc()).find("getPluginCreator() could not find Plugin OtherOp version 1"),
              std::string::npos);
    EXPECT_EQ(p.network->getNbLayers(), 0) << "nothing is built when the support check fails";
    EXPECT_FALSE(p.parser->supportsModel(m.bytes().data(), m.bytes().size()));
    EXPECT_TRUE(p.parser->supportsOperator("Conv"));
    EXPECT_FALSE(p.parser->supportsOperator("FancyOp"));
}

TEST(OnnxParser, ComputedTopKIsNotAnInitializer) {
    ModelBuilder m;
    // K computed by the graph from the input's shape: a tensor, not weights.
    m.node("Shape", {"x"}, {"shape"});
    m.node("Gather", {"shape", "one_idx"}, {"k"});
    m.initializer("one_idx", ::onnx::TensorProto::INT64, {1}).add_int64_data(1);
    m.node("TopK", {"x", "k"}, {"v", "i"}, "topk");
    m.addOutput("v");
    // x has a dynamic dim so that Shape is not folded at import.
    m.g().mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(1)->set_dim_param("n");
    Parsed p(m.bytes());
    ASSERT_FALSE(p.ok);
    const auto& e = p.error(p.parser->getNbErrors() - 1);
    EXPECT_EQ(e.code(), ErrorCode::kUNSUPPORTED_NODE_INPUT);
    EXPECT_STREQ(e.nodeOperator(), "TopK");
    EXPECT_NE(std::string(e.desc()).find("k must be an initializer!"), std::string::npos) << e.desc();
    EXPECT_NE(std::string(e.desc()).find("kiln sanitize --fold-constants"), std::string::npos) << e.desc();
}

TEST(OnnxParser, Int4AndInt16TensorsAreRefused) {
    {
        ModelBuilder m;
        auto& w = m.initializer("w", ::onnx::TensorProto::INT4, {2});
        w.set_raw_data(std::string(1, '\x12'));
        m.node("Identity", {"w"}, {"y"});
        m.addOutput("y");
        Parsed p(m.bytes());
        ASSERT_FALSE(p.ok);
        EXPECT_EQ(p.error().code(), ErrorCode::kUNSUPPORTED_NODE_DATATYPE);
        EXPECT_NE(std::string(p.error().desc()).find("Kiln does not support INT4 tensors"), std::string::npos)
            << p.error().desc();
    }
    {
        ModelBuilder m;
        m.addInput("z", ::onnx::TensorProto::INT16, {3});
        m.node("Relu", {"x"}, {"y"});
        m.addOutput("y");
        Parsed p(m.bytes());
        ASSERT_FALSE(p.ok);
        EXPECT_EQ(p.error().code(), ErrorCode::kUNSUPPORTED_NODE_DATATYPE);
        EXPECT_NE(std::string(p.error().desc()).find("Kiln does not support INT16 tensors"), std::string::npos)
            << p.error().desc();
    }
}

TEST(OnnxParser, OpsetsOutsideTheSupportedRangeAreRefused) {
    for (int64_t opset : {int64_t(0), onnxparser::getMaxSupportedOpset() + 1}) {
        ModelBuilder m(opset);
        m.node("Relu", {"x"}, {"y"});
        m.addOutput("y");
        Parsed p(m.bytes());
        ASSERT_FALSE(p.ok) << opset;
        EXPECT_EQ(p.error().code(), ErrorCode::kUNSUPPORTED_GRAPH);
        EXPECT_NE(std::string(p.error().desc()).find("opset " + std::to_string(opset)), std::string::npos);
    }
}

TEST(OnnxParser, HostileInitializersAreRefused) {
    {  // raw data shorter than the shape says
        ModelBuilder m;
        m.initializer("w", ::onnx::TensorProto::FLOAT, {4}).set_raw_data(std::string(8, '\0'));
        m.node("Add", {"x", "w"}, {"y"});
        m.addOutput("y");
        Parsed p(m.bytes());
        ASSERT_FALSE(p.ok);
        EXPECT_EQ(p.error().code(), ErrorCode::kINVALID_VALUE);
    }
    {  // a shape of 2^62 elements must not be allocated
        ModelBuilder m;
        m.initializer("w", ::onnx::TensorProto::FLOAT, {int64_t(1) << 31, int64_t(1) << 31});
        m.node("Add", {"x", "w"}, {"y"});
        m.addOutput("y");
        Parsed p(m.bytes());
        ASSERT_FALSE(p.ok);
        EXPECT_NE(std::string(p.error().desc()).find("too large"), std::string::npos) << p.error().desc();
    }
    {  // external data outside the model's directory
        ModelBuilder m;
        auto& w = m.initializer("w", ::onnx::TensorProto::FLOAT, {4});
        w.set_data_location(::onnx::TensorProto::EXTERNAL);
        auto* kv = w.add_external_data();
        kv->set_key("location");
        kv->set_value("../../etc/passwd");
        m.node("Add", {"x", "w"}, {"y"});
        m.addOutput("y");
        Parsed p(m.bytes(), "/tmp/model.onnx");
        ASSERT_FALSE(p.ok);
        EXPECT_NE(std::string(p.error().desc()).find("leaves the model's directory"), std::string::npos);
    }
    {  // an input used before it is defined
        ModelBuilder m;
        m.node("Relu", {"later"}, {"y"});
        m.node("Relu", {"x"}, {"later"});
        m.addOutput("y");
        Parsed p(m.bytes());
        ASSERT_FALSE(p.ok);
        EXPECT_EQ(p.error().code(), ErrorCode::kINVALID_GRAPH);
        EXPECT_EQ(p.error().node(), 0);
    }
}

// Parses a model whose weights live in an external file, builds and runs it: y = relu(x * w + b).
TEST(OnnxParser, ExternalDataModelBuildsAndRuns) {
    const auto dir = std::filesystem::temp_directory_path() / ("kiln_onnx_ext_" + std::to_string(test::seed()));
    std::filesystem::create_directories(dir);
    std::vector<float> w(4), b(4), x(4);
    for (int i = 0; i < 4; ++i) {
        w[i] = std::uniform_real_distribution<float>(-2, 2)(test::rng());
        b[i] = std::uniform_real_distribution<float>(-1, 1)(test::rng());
        x[i] = std::uniform_real_distribution<float>(-1, 1)(test::rng());
    }
    {
        std::ofstream f(dir / "weights.bin", std::ios::binary);
        f.write(reinterpret_cast<const char*>(b.data()), 16);  // b first, then w at offset 16
        f.write(reinterpret_cast<const char*>(w.data()), 16);
    }
    ModelBuilder m;
    auto external = [&](const std::string& name, int offset) {
        auto& t = m.initializer(name, ::onnx::TensorProto::FLOAT, {1, 4});
        t.set_data_location(::onnx::TensorProto::EXTERNAL);
        auto* kv = t.add_external_data();
        kv->set_key("location");
        kv->set_value("weights.bin");
        kv = t.add_external_data();
        kv->set_key("offset");
        kv->set_value(std::to_string(offset));
        kv = t.add_external_data();
        kv->set_key("length");
        kv->set_value("16");
    };
    external("w", 16);
    external("b", 0);
    m.node("Mul", {"x", "w"}, {"xw"});
    m.node("Add", {"xw", "b"}, {"z"});
    m.node("Relu", {"z"}, {"y"});
    m.addOutput("y");
    Parsed p(m.bytes(), (dir / "model.onnx").string().c_str());
    ASSERT_TRUE(p.ok) << (p.parser->getNbErrors() ? p.error().desc() : "");
    ASSERT_EQ(p.network->getNbOutputs(), 1);
    EXPECT_STREQ(p.network->getOutput(0)->getName(), "y");
    auto context = p.buildContext();
    ASSERT_NE(context, nullptr);
    std::vector<float> y(4);
    context->setTensorAddress("x", x.data());
    context->setTensorAddress("y", y.data());
    ASSERT_TRUE(context->executeV2());
    for (int i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(y[i], std::max(0.f, x[i] * w[i] + b[i])) << i << " seed " << test::seed();
    std::filesystem::remove_all(dir);
}

// INT2/UINT2 initializers are packed four to a byte, the first element in the low bits (raw
// data and int32_data alike); the parser unpacks them and Cast gives their values.
TEST(OnnxParser, PackedTwoBitInitializersAreUnpacked) {
    std::vector<int> w(4), u(4);
    std::vector<float> x(4);
    for (int i = 0; i < 4; ++i) {
        w[i] = std::uniform_int_distribution<int>(-2, 1)(test::rng());
        u[i] = std::uniform_int_distribution<int>(0, 3)(test::rng());
        x[i] = std::uniform_real_distribution<float>(-1, 1)(test::rng());
    }
    int packedW = 0, packedU = 0;
    for (int i = 0; i < 4; ++i) {
        packedW |= (w[i] & 3) << (2 * i);
        packedU |= u[i] << (2 * i);
    }
    ModelBuilder m(25);
    m.initializer("w", ::onnx::TensorProto::INT2, {1, 4}).set_raw_data(std::string(1, static_cast<char>(packedW)));
    m.initializer("u", ::onnx::TensorProto::UINT2, {1, 4}).add_int32_data(packedU);
    auto toFloat = [](::onnx::NodeProto& n) {
        auto* a = n.add_attribute();
        a->set_name("to");
        a->set_type(::onnx::AttributeProto::INT);
        a->set_i(::onnx::TensorProto::FLOAT);
    };
    toFloat(m.node("Cast", {"w"}, {"wf"}));
    toFloat(m.node("Cast", {"u"}, {"uf"}));
    m.node("Add", {"x", "wf"}, {"xw"});
    m.node("Mul", {"xw", "uf"}, {"y"});
    m.addOutput("y");
    Parsed p(m.bytes());
    ASSERT_TRUE(p.ok) << (p.parser->getNbErrors() ? p.error().desc() : "");
    auto context = p.buildContext();
    ASSERT_NE(context, nullptr);
    std::vector<float> y(4);
    context->setTensorAddress("x", x.data());
    context->setTensorAddress("y", y.data());
    ASSERT_TRUE(context->executeV2());
    for (int i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(y[i], (x[i] + w[i]) * u[i]) << i << " seed " << test::seed();
}

// A sequence input is given as its elements (setSequenceInput): network inputs "s[i]"; a sequence
// output becomes outputs "out[i]", its length reported by getSequenceLength.
TEST(OnnxParser, SequenceInputsAndOutputsAreTheirElements) {
    ModelBuilder m(17);
    auto* in = m.g().add_input();
    in->set_name("s");
    in->mutable_type()->mutable_sequence_type()->mutable_elem_type()->mutable_tensor_type()->set_elem_type(
        ::onnx::TensorProto::FLOAT);
    m.initializer("one", ::onnx::TensorProto::INT64, {}).add_int64_data(1);
    m.node("SequenceAt", {"s", "one"}, {"second"});
    m.node("Add", {"x", "second"}, {"y"});
    m.node("SequenceConstruct", {"y", "x"}, {"out"});
    m.addOutput("out");
    {
        Parsed p(m.bytes());
        EXPECT_FALSE(p.ok);
        EXPECT_NE(std::string(p.error().desc()).find("Parser::setSequenceInput"), std::string::npos) << p.error().desc();
    }
    Parsed p;
    Dims d{2, {1, 4}};
    const Dims dims[3] = {d, d, d};
    EXPECT_FALSE(p.parser->setSequenceInput("s", -1, dims));
    ASSERT_TRUE(p.parser->setSequenceInput("s", 3, dims));
    ASSERT_TRUE(p.parser->parse(m.bytes().data(), m.bytes().size()))
        << (p.parser->getNbErrors() ? p.error().desc() : "");
    EXPECT_EQ(p.parser->getSequenceLength("s"), 3);
    EXPECT_EQ(p.parser->getSequenceLength("out"), 2);
    EXPECT_EQ(p.parser->getSequenceLength("x"), -1);
    auto context = p.buildContext();
    ASSERT_NE(context, nullptr);
    std::vector<std::vector<float>> elements(3, std::vector<float>(4));
    std::vector<float> x(4), out0(4), out1(4);
    for (auto& e : elements)
        for (auto& v : e) v = std::uniform_real_distribution<float>(-1, 1)(test::rng());
    for (auto& v : x) v = std::uniform_real_distribution<float>(-1, 1)(test::rng());
    for (int i = 0; i < 3; ++i) context->setTensorAddress(("s[" + std::to_string(i) + "]").c_str(), elements[i].data());
    context->setTensorAddress("x", x.data());
    context->setTensorAddress("out[0]", out0.data());
    context->setTensorAddress("out[1]", out1.data());
    ASSERT_TRUE(context->executeV2());
    for (int i = 0; i < 4; ++i) {
        EXPECT_FLOAT_EQ(out0[i], x[i] + elements[1][i]) << i << " seed " << test::seed();
        EXPECT_FLOAT_EQ(out1[i], x[i]) << i;
    }
}

// An optional input given as none (setOptionalInputNone) holds no element; only optionals may be.
TEST(OnnxParser, OptionalInputGivenAsNone) {
    ModelBuilder m(18);
    auto* in = m.g().add_input();
    in->set_name("o");
    in->mutable_type()->mutable_optional_type()->mutable_elem_type()->mutable_tensor_type()->set_elem_type(
        ::onnx::TensorProto::FLOAT);
    m.node("OptionalHasElement", {"o"}, {"has"});
    m.node("Identity", {"x"}, {"y"});
    m.addOutput("has");
    m.addOutput("y");
    {
        Parsed p;
        ASSERT_TRUE(p.parser->setOptionalInputNone("x"));
        EXPECT_FALSE(p.parser->parse(m.bytes().data(), m.bytes().size()));
        EXPECT_NE(std::string(p.error().desc()).find("is not an optional"), std::string::npos) << p.error().desc();
    }
    Parsed p;
    ASSERT_TRUE(p.parser->setOptionalInputNone("o"));
    ASSERT_TRUE(p.parser->parse(m.bytes().data(), m.bytes().size()))
        << (p.parser->getNbErrors() ? p.error().desc() : "");
    EXPECT_EQ(p.network->getNbInputs(), 1) << "an empty optional is no network input";
    auto context = p.buildContext();
    ASSERT_NE(context, nullptr);
    std::vector<float> x(4, 0.5f), y(4);
    uint8_t has = 7;
    context->setTensorAddress("x", x.data());
    context->setTensorAddress("y", y.data());
    context->setTensorAddress("has", &has);
    ASSERT_TRUE(context->executeV2());
    EXPECT_EQ(has, 0);
}

// A graph input that must be known at build time (Reshape's shape): the failed parse names it,
// setInputValues fixes it, the engine keeps the input, runs with those values and refuses others.
TEST(OnnxParser, InputValuesFixedAtParseTimeAreCheckedAtRunTime) {
    ModelBuilder m;
    m.addInput("shape", ::onnx::TensorProto::INT64, {2});
    m.node("Reshape", {"x", "shape"}, {"y"});
    m.addOutput("y");
    const std::string bytes = m.bytes();
    QuietLogger logger;
    auto builder = createBuilder(logger);
    auto network = builder->createNetwork();
    auto parser = onnxparser::createParser(*network, logger);
    ASSERT_FALSE(parser->parse(bytes.data(), bytes.size()));
    ASSERT_EQ(parser->getNbInputsNeedingValues(), 1);
    EXPECT_STREQ(parser->getInputNeedingValues(0), "shape");

    network = builder->createNetwork();
    parser = onnxparser::createParser(*network, logger);
    const int64_t fixed[2] = {2, 2};
    EXPECT_FALSE(parser->setInputValues("shape", DataType::kINT64, makeDims({-1}), fixed)) << "dims must be static";
    ASSERT_TRUE(parser->setInputValues("shape", DataType::kINT64, makeDims({2}), fixed));
    ASSERT_TRUE(parser->parse(bytes.data(), bytes.size())) << (parser->getNbErrors() ? parser->getError(0)->desc() : "");
    EXPECT_EQ(parser->getNbInputsNeedingValues(), 0);
    auto config = builder->createBuilderConfig();
    auto plan = builder->buildSerializedNetwork(*network, *config);
    ASSERT_NE(plan, nullptr);
    auto runtime = createRuntime(logger);
    auto engine = runtime->deserializeEngine(plan->data(), plan->size());
    ASSERT_NE(engine, nullptr);
    EXPECT_EQ(engine->getTensorIOMode("shape"), TensorIOMode::kINPUT) << "the fixed input stays an input";
    Dims yDims = engine->getTensorShape("y");
    ASSERT_EQ(yDims.nbDims, 2);
    EXPECT_EQ(yDims.d[0], 2);
    EXPECT_EQ(yDims.d[1], 2);
    auto context = engine->createExecutionContext();
    std::vector<float> x(4), y(4, -7.f);
    for (auto& v : x) v = std::uniform_real_distribution<float>(-1, 1)(test::rng());
    int64_t given[2] = {2, 2};
    context->setTensorAddress("x", x.data());
    context->setTensorAddress("shape", given);
    context->setTensorAddress("y", y.data());
    ASSERT_TRUE(context->executeV2());
    EXPECT_EQ(y, x) << "seed " << test::seed();
    given[0] = 4;
    given[1] = 1;
    logger.errors.clear();
    EXPECT_FALSE(context->executeV2()) << "other values than the fixed ones are refused";
    bool named = false;
    for (const auto& e : logger.errors) named = named || e.find("input 'shape' differs") != std::string::npos;
    EXPECT_TRUE(named) << (logger.errors.empty() ? "no error logged" : logger.errors.back());
}

// The value that had to be known is computed inside an If branch from a graph input of the outer
// graph: the trace goes through the branch's nodes and names that input.
TEST(OnnxParser, InputNeedingValuesIsTracedThroughAnIfBranch) {
    ModelBuilder m;
    m.addInput("shape", ::onnx::TensorProto::INT64, {2});
    m.addInput("c", ::onnx::TensorProto::BOOL, {1});
    auto branch = [](const char* name, std::vector<std::pair<std::string, std::vector<std::string>>> nodes,
                     const std::string& output) {
        ::onnx::GraphProto g;
        g.set_name(name);
        int k = 0;
        for (auto& [op, io] : nodes) {
            auto* n = g.add_node();
            n->set_op_type(op);
            n->set_name(std::string(name) + std::to_string(k++));
            for (size_t i = 0; i + 1 < io.size(); ++i) n->add_input(io[i]);
            n->add_output(io.back());
        }
        g.add_output()->set_name(output);
        return g;
    };
    auto& node = m.node("If", {"c"}, {"y"});
    auto* thenBranch = node.add_attribute();
    thenBranch->set_name("then_branch");
    thenBranch->set_type(::onnx::AttributeProto::GRAPH);
    *thenBranch->mutable_g() = branch("then", {{"Identity", {"shape", "s2"}}, {"Reshape", {"x", "s2", "yt"}}}, "yt");
    auto* elseBranch = node.add_attribute();
    elseBranch->set_name("else_branch");
    elseBranch->set_type(::onnx::AttributeProto::GRAPH);
    *elseBranch->mutable_g() = branch("else", {{"Identity", {"x", "ye"}}}, "ye");
    m.addOutput("y");
    Parsed p(m.bytes());
    ASSERT_FALSE(p.ok);
    ASSERT_EQ(p.parser->getNbInputsNeedingValues(), 1) << (p.parser->getNbErrors() ? p.parser->getError(0)->desc() : "");
    EXPECT_STREQ(p.parser->getInputNeedingValues(0), "shape");
}

TEST(OnnxParser, ParseFromFileReportsAMissingFile) {
    QuietLogger logger;
    auto builder = createBuilder(logger);
    auto network = builder->createNetwork();
    auto parser = onnxparser::createParser(*network, logger);
    EXPECT_FALSE(parser->parseFromFile("/nonexistent/model.onnx", 0));
    ASSERT_EQ(parser->getNbErrors(), 1);
    EXPECT_NE(std::string(parser->getError(0)->desc()).find("/nonexistent/model.onnx"), std::string::npos);
    EXPECT_FALSE(logger.errors.empty()) << "errors also reach the Logger";
}

}  // namespace
}  // namespace kiln
