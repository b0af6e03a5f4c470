// Where a piece of rule text came from, so that an error found anywhere
// (in a condition, after appends and macro expansion) names the file, line
// and column the user wrote it at.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace crowsnest {

// One rule file's raw text.
class SourceFile {
public:
    SourceFile(std::string path, std::string text);
    const std::string &path() const { return path_; }
    const std::string &text() const { return text_; }
    // "path:line:column" of a byte offset.
    std::string where(size_t pos) const;

private:
    std::string path_, text_;
    std::vector<size_t> line_starts_;
};

// Offsets into a condition's text (which may be several YAML scalars
// joined by appends) -> file positions.
class SourceMap {
public:
    // A scalar whose value starts at `offset` in the condition text and
    // whose YAML node starts at byte `node_pos` of `file`. The value's
    // characters are matched up with the raw text, so folded (>) and quoted
    // scalars map back exactly.
    void add(uint32_t offset, std::shared_ptr<const SourceFile> file, size_t node_pos, const std::string &value);
    // "path:line:column" of the condition text's byte `offset`.
    std::string where(uint32_t offset) const;

private:
    struct Piece {
        uint32_t offset;
        std::shared_ptr<const SourceFile> file;
        std::vector<uint32_t> positions;  // a file position for each byte of the value
        size_t node_pos;
    };
    std::vector<Piece> pieces_;
};

}  // namespace crowsnest
