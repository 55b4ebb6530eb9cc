// CUDA Resize and Assertion against the CPU reference: every interpolation mode, coordinate
// transformation and nearest rounding, antialiasing, crop-and-resize with extrapolation,
// scales from a tensor, float/half/bf16/double and (nearest) integer storage, odd shapes.
#include <string>
#include <vector>

#include "core/status.h"
#include "cuda/cuda_test_util.h"
#include "ir/ops/assertion.h"
#include "ir/ops/resize.h"

namespace kiln {
namespace {

using CT = ResizeCoordinateTransformation;
using Dims = std::vector<int64_t>;
using test::GpuCheck;

GpuCheck toleranceFor(DataType t) {
    GpuCheck c;
    if (t == DataType::kHALF) c.rtol = 2e-3, c.atol = 2e-3;
    if (t == DataType::kBF16) c.rtol = 1e-2, c.atol = 1e-2;
    if (t == DataType::kDOUBLE) c.rtol = 1e-12, c.atol = 1e-12;
    return c;
}

TEST(CudaResize, EveryModeAndCoordinateTransformation) {
    KILN_REQUIRE_GPU();
    const CT transforms[] = {CT::kASYMMETRIC, CT::kALIGN_CORNERS, CT::kHALF_PIXEL, CT::kHALF_PIXEL_SYMMETRIC};
    const std::pair<Dims, Dims> shapes[] = {{{2, 3, 7, 5}, {2, 3, 13, 11}},  // up
                                            {{1, 2, 17, 9}, {1, 2, 6, 4}},   // down
                                            {{3, 1, 5}, {3, 1, 1}},          // to one pixel
                                            {{2, 4, 3, 6}, {3, 2, 7, 6}}};   // every axis
    for (DataType t : {DataType::kFLOAT, DataType::kHALF, DataType::kBF16, DataType::kDOUBLE}) {
        for (InterpolationMode mode : {InterpolationMode::kNEAREST, InterpolationMode::kLINEAR, InterpolationMode::kCUBIC}) {
            for (CT ct : transforms) {
                for (const auto& [in, out] : shapes) {
                    for (bool antialias : {false, true}) {
                        if (antialias && mode == InterpolationMode::kNEAREST) continue;
                        // The reference interpolates float, half and bf16; double only by nearest.
                        if (t == DataType::kDOUBLE && mode != InterpolationMode::kNEAREST) continue;
                        // Cubic resizes the two innermost axes only (as TensorRT).
                        bool outerChange = false;
                        for (size_t d = 0; d + 2 < in.size(); ++d) outerChange = outerChange || in[d] != out[d];
                        if (mode == InterpolationMode::kCUBIC && outerChange) continue;
                        SCOPED_TRACE(std::string(dataTypeName(t)) + " mode " + std::to_string(int(mode)) + " ct " +
                                     std::to_string(int(ct)) + " " + ir::dimsToString(in) + " -> " +
                                     ir::dimsToString(out) + (antialias ? " antialias" : ""));
                        ir::ResizeOp op;
                        op.mode = mode;
                        op.coordinateTransformation = ct;
                        op.outputDims = out;
                        op.antialias = antialias;
                        op.excludeOutside = antialias;
                        EXPECT_TRUE(test::gpuMatchesReference(op, {test::randomTensor(t, in, -3, 3)}, toleranceFor(t)));
                    }
                }
            }
        }
    }
}

TEST(CudaResize, NearestRoundingsAndIntegerTypes) {
    KILN_REQUIRE_GPU();
    for (DataType t : {DataType::kINT32, DataType::kINT64, DataType::kINT8, DataType::kUINT8, DataType::kFLOAT}) {
        for (ResizeRoundMode r : {ResizeRoundMode::kHALF_UP, ResizeRoundMode::kHALF_DOWN, ResizeRoundMode::kFLOOR,
                                  ResizeRoundMode::kCEIL}) {
            for (ResizeSelector sel : {ResizeSelector::kFORMULA, ResizeSelector::kUPPER}) {
                SCOPED_TRACE(std::string(dataTypeName(t)) + " rounding " + std::to_string(int(r)));
                ir::ResizeOp op;
                op.mode = InterpolationMode::kNEAREST;
                op.coordinateTransformation = CT::kHALF_PIXEL;
                op.nearestRounding = r;
                op.selector = sel;
                op.outputDims = {2, 9, 1, 7};
                EXPECT_TRUE(test::gpuMatchesReference(op, {test::randomTensor(t, {2, 4, 3, 5}, 0, 100)}, GpuCheck{0, 0, {}}));
            }
        }
    }
}

TEST(CudaResize, ScalesFromATensorAndCropAndResize) {
    KILN_REQUIRE_GPU();
    // Scales whose products are not whole: the coordinates use the scale, not out / in.
    ir::ResizeOp op;
    op.mode = InterpolationMode::kLINEAR;
    op.coordinateTransformation = CT::kHALF_PIXEL;
    ir::HostTensor scales = ir::HostTensor::make(DataType::kFLOAT, {4});
    const float s[] = {1.0f, 1.0f, 0.6f, 1.7f};
    for (int i = 0; i < 4; ++i) scales.as<float>()[i] = s[i];
    ir::HostTensor x = test::randomTensor(DataType::kFLOAT, {2, 3, 11, 7});
    EXPECT_TRUE(test::gpuMatchesReference(op, std::vector<const ir::HostTensor*>{&x, &scales}));

    ir::ResizeOp crop;
    crop.mode = InterpolationMode::kLINEAR;
    crop.coordinateTransformation = CT::kTF_CROP_AND_RESIZE;
    crop.outputDims = {1, 2, 9, 8};
    crop.roi = {0, 0, -0.2, 0.1, 1, 1, 0.8, 1.3};  // partly outside: extrapolated elements
    crop.extrapolationValue = 7.5;
    EXPECT_TRUE(test::gpuMatchesReference(crop, {test::randomTensor(DataType::kFLOAT, {1, 2, 5, 6})}));
}

TEST(CudaAssertion, PassesTrueAndFailsFalseWithTheMessage) {
    KILN_REQUIRE_GPU();
    ir::AssertionOp op;
    op.message = "shapes of a and b must match";
    ir::HostTensor ok = test::intTensor(DataType::kBOOL, {5}, {1, 1, 1, 1, 1});
    EXPECT_NO_THROW(test::runOnGpu(op, {&ok}, "cuda_assertion"));
    ir::HostTensor bad = test::intTensor(DataType::kBOOL, {5}, {1, 1, 1, 0, 1});
    try {
        test::runOnGpu(op, {&bad}, "cuda_assertion");
        ADD_FAILURE() << "no error";
    } catch (const KilnError& e) {
        EXPECT_NE(std::string(e.what()).find("shapes of a and b must match"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace kiln
