// .npy reader: magic, version, header length, then a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 224, 224), } and the raw data.
#include "npy.h"

#include <cctype>
#include <cstring>
#include <map>

namespace kiln::cli {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

//! The value text after `'key':` in the header dict, or nullopt.
std::optional<size_t> findKey(const std::string& header, const std::string& key) {
    for (char q : {'\'', '"'}) {
        std::string quoted = std::string(1, q) + key + q;
        auto pos = header.find(quoted);
        if (pos == std::string::npos) continue;
        pos += quoted.size();
        while (pos < header.size() && std::isspace(static_cast<unsigned char>(header[pos]))) ++pos;
        if (pos >= header.size() || header[pos] != ':') return std::nullopt;
        ++pos;
        while (pos < header.size() && std::isspace(static_cast<unsigned char>(header[pos]))) ++pos;
        return pos;
    }
    return std::nullopt;
}

std::optional<std::string> quotedAt(const std::string& header, size_t pos) {
    if (pos >= header.size() || (header[pos] != '\'' && header[pos] != '"')) return std::nullopt;
    auto end = header.find(header[pos], pos + 1);
    if (end == std::string::npos) return std::nullopt;
    return header.substr(pos + 1, end - pos - 1);
}

std::optional<Dims> shapeAt(const std::string& header, size_t pos) {
    if (pos >= header.size() || header[pos] != '(') return std::nullopt;
    auto end = header.find(')', pos);
    if (end == std::string::npos) return std::nullopt;
    Dims d;
    d.nbDims = 0;
    size_t i = pos + 1;
    while (i < end) {
        while (i < end && (std::isspace(static_cast<unsigned char>(header[i])) || header[i] == ',')) ++i;
        if (i >= end) break;
        if (!std::isdigit(static_cast<unsigned char>(header[i])) || d.nbDims >= Dims::MAX_DIMS) return std::nullopt;
        int64_t v = 0;
        while (i < end && std::isdigit(static_cast<unsigned char>(header[i]))) {
            if (v > (INT64_MAX - 9) / 10) return std::nullopt;
            v = v * 10 + (header[i++] - '0');
        }
        if (i < end && header[i] == 'L') ++i;  // Python 2 longs
        d.d[d.nbDims++] = v;
    }
    return d;
}

//! numpy's descr → Kiln type; 1-byte types are written with '|' ("not applicable").
std::optional<DataType> typeOf(const std::string& descr) {
    static const std::map<std::string, DataType> kTypes = {
        {"<f4", DataType::kFLOAT}, {"<f8", DataType::kDOUBLE}, {"<f2", DataType::kHALF},  {"<i4", DataType::kINT32}, {"<i8", DataType::kINT64},
        {"|b1", DataType::kBOOL},  {"|u1", DataType::kUINT8}, {"|i1", DataType::kINT8},  {"<b1", DataType::kBOOL},
        {"<u1", DataType::kUINT8}, {"<i1", DataType::kINT8},  {"<u2", DataType::kUINT16}, {"<u4", DataType::kUINT32},
        {"<u8", DataType::kUINT64},
    };
    auto it = kTypes.find(descr);
    if (it == kTypes.end()) return std::nullopt;
    return it->second;
}

}  // namespace

bool isNpy(const std::vector<uint8_t>& bytes) {
    return bytes.size() >= kMagicSize && std::memcmp(bytes.data(), kMagic, kMagicSize) == 0;
}

std::optional<NpyArray> parseNpy(const std::vector<uint8_t>& bytes, std::string& error) {
    if (!isNpy(bytes) || bytes.size() < kMagicSize + 4) {
        error = isNpy(bytes) ? "truncated .npy header" : "not a .npy file (no \\x93NUMPY magic)";
        return std::nullopt;
    }
    uint8_t major = bytes[6];
    size_t headerLen = 0, headerStart = 0;
    if (major == 1) {
        headerLen = bytes[8] | (bytes[9] << 8);
        headerStart = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12) {
            error = "truncated .npy header";
            return std::nullopt;
        }
        headerLen = static_cast<size_t>(bytes[8]) | (static_cast<size_t>(bytes[9]) << 8) |
                    (static_cast<size_t>(bytes[10]) << 16) | (static_cast<size_t>(bytes[11]) << 24);
        headerStart = 12;
    } else {
        error = ".npy format version " + std::to_string(major) + " is not supported (1, 2 and 3 are)";
        return std::nullopt;
    }
    if (headerLen > bytes.size() - headerStart) {
        error = "truncated .npy header (" + std::to_string(headerLen) + " bytes announced)";
        return std::nullopt;
    }
    std::string header(reinterpret_cast<const char*>(bytes.data() + headerStart), headerLen);
    auto descrPos = findKey(header, "descr");
    auto orderPos = findKey(header, "fortran_order");
    auto shapePos = findKey(header, "shape");
    auto descr = descrPos ? quotedAt(header, *descrPos) : std::nullopt;
    auto shape = shapePos ? shapeAt(header, *shapePos) : std::nullopt;
    if (!descr || !orderPos || !shape) {
        error = "malformed .npy header: " + header.substr(0, header.find_last_not_of(" \n") + 1);
        return std::nullopt;
    }
    if (header.compare(*orderPos, 5, "False") != 0) {
        error = ".npy array is in Fortran order; save it in C order (numpy.ascontiguousarray)";
        return std::nullopt;
    }
    auto type = typeOf(*descr);
    if (!type) {
        error = ".npy dtype '" + *descr + "' is not supported (<f4, <f8, <f2, <i4, <i8, |b1, |u1, |i1 are" +
                (descr->size() && descr->front() == '>' ? "; big-endian data must be byte-swapped" : "") + ")";
        return std::nullopt;
    }
    // Element count without overflow, then bytes against what the file holds.
    size_t dataSize = bytes.size() - headerStart - headerLen;
    size_t elementSize = dataTypeSize(*type);
    size_t count = 1, total = 0;
    bool overflow = false;
    for (int32_t i = 0; i < shape->nbDims; ++i)
        overflow |= __builtin_mul_overflow(count, static_cast<size_t>(shape->d[i]), &count);
    overflow |= __builtin_mul_overflow(count, elementSize, &total);
    if (overflow || total != dataSize) {
        error = ".npy data holds " + std::to_string(dataSize) + " bytes, which does not match its header (shape and dtype '" +
                *descr + "')";
        return std::nullopt;
    }
    NpyArray array;
    array.type = *type;
    array.descr = *descr;
    array.shape = *shape;
    array.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(headerStart + headerLen), bytes.end());
    return array;
}

}  // namespace kiln::cli
