// Op attributes. Each op lists its fields once in reflect(); visitors built on AttrVisitor give
// printing, equality, hashing and (de)serialization through the generic AttrMap.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace kiln::ir {

using AttrValue = std::variant<int64_t, double, std::string, std::vector<int64_t>, std::vector<double>>;
using AttrMap = std::map<std::string, AttrValue>;

std::string attrToString(const AttrValue& value);

class AttrVisitor {
public:
    virtual ~AttrVisitor() = default;
    virtual void visit(const char* name, int64_t& value) = 0;
    virtual void visit(const char* name, double& value) = 0;
    virtual void visit(const char* name, std::string& value) = 0;
    virtual void visit(const char* name, std::vector<int64_t>& value) = 0;
    virtual void visit(const char* name, std::vector<double>& value) = 0;

    // Convenience overloads: every field type maps onto one of the five above.
    void operator()(const char* name, int64_t& v) { visit(name, v); }
    void operator()(const char* name, double& v) { visit(name, v); }
    void operator()(const char* name, std::string& v) { visit(name, v); }
    void operator()(const char* name, std::vector<int64_t>& v) { visit(name, v); }
    void operator()(const char* name, std::vector<double>& v) { visit(name, v); }
    void operator()(const char* name, int32_t& v) {
        int64_t x = v;
        visit(name, x);
        v = static_cast<int32_t>(x);
    }
    void operator()(const char* name, bool& v) {
        int64_t x = v ? 1 : 0;
        visit(name, x);
        v = x != 0;
    }
    void operator()(const char* name, float& v) {
        double x = v;
        visit(name, x);
        v = static_cast<float>(x);
    }
    template <class E, std::enable_if_t<std::is_enum_v<E>, int> = 0>
    void operator()(const char* name, E& v) {
        int64_t x = static_cast<int64_t>(v);
        visit(name, x);
        v = static_cast<E>(x);
    }
};

}  // namespace kiln::ir
