// Bounds on the YAML of rule files, checked by a first pass over yaml-cpp's
// parser events before any node is built. An alias costs a few bytes of a
// file but stands for the whole node it names, and the loader reads it in
// full: a 1 MB file with a list of 100 000 items and 10 000 aliases to it is
// a billion strings. Counting each alias as the nodes it stands for refuses
// such a file at the alias that passes the bound, in time and memory
// proportional to the file. Deep nesting is refused at the collection that
// passes the depth, before anything recurses over it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace crowsnest {

// Far above real rule files (Falco's three rule files are 6 000 nodes nested
// five deep, 10 000 simple rules 140 000), far below exhausting memory.
constexpr uint64_t kMaxYamlNodes = 1000000;  // over all the files of one load, aliases expanded
constexpr size_t kMaxYamlDepth = 64;         // lists and maps within lists and maps

// The YAML nodes left to the files of one load, read in order.
class YamlBudget {
public:
    // Counts the nodes of the first document of `text` (the one that
    // YAML::Load reads). Throws YAML::ParserException at the node or alias
    // that passes a bound, or at the alias inside the node it names (a
    // cycle), and yaml-cpp's exceptions on a syntax error.
    void check(const std::string &text);

private:
    uint64_t nodes_ = 0;
};

}  // namespace crowsnest
