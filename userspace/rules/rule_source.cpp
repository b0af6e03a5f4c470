#include "rules/rule_source.h"

#include <algorithm>
#include <iterator>

namespace crowsnest {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// How far the raw text may run ahead of the value looking for its next
// character (quotes, escapes, block indicators, line breaks and indentation).
constexpr size_t kMaxSkip = 256;

}  // namespace

SourceFile::SourceFile(std::string path, std::string text) : path_(std::move(path)), text_(std::move(text)) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < text_.size(); i++)
        if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

std::string SourceFile::where(size_t pos) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), pos);
    const size_t line = size_t(it - line_starts_.begin());
    const size_t column = pos - line_starts_[line - 1] + 1;
    return path_ + ":" + std::to_string(line) + ":" + std::to_string(column);
}

void SourceMap::add(uint32_t offset, std::shared_ptr<const SourceFile> file, size_t node_pos, const std::string &value) {
    Piece piece{offset, file, {}, node_pos};
    const std::string &raw = file->text();
    size_t p = node_pos;
    for (size_t i = 0; i < value.size(); i++) {
        const char c = value[i];
        size_t q = p;
        if (is_space(c)) {
            // a space may be a folded line break plus indentation
            while (q < raw.size() && q - p < kMaxSkip && !is_space(raw[q])) q++;
        } else {
            while (q < raw.size() && q - p < kMaxSkip && raw[q] != c) q++;
        }
        if (q >= raw.size() || q - p >= kMaxSkip) {
            // lost track (an escape sequence, say): the rest maps to here
            piece.positions.resize(value.size(), uint32_t(p));
            break;
        }
        piece.positions.push_back(uint32_t(q));
        p = q + 1;
        if (is_space(c) && (i + 1 >= value.size() || !is_space(value[i + 1])))
            while (p < raw.size() && is_space(raw[p])) p++;
    }
    pieces_.push_back(std::move(piece));
}

std::string SourceMap::where(uint32_t offset) const {
    if (pieces_.empty()) return "?";
    // the last piece that starts at or before `offset` (pieces are added in the text's order)
    auto after = std::upper_bound(pieces_.begin(), pieces_.end(), offset,
                                  [](uint32_t o, const Piece &p) { return o < p.offset; });
    const Piece *piece = after == pieces_.begin() ? &pieces_[0] : &*std::prev(after);
    const uint32_t i = offset - piece->offset;
    if (piece->positions.empty()) return piece->file->where(piece->node_pos);
    return piece->file->where(i < piece->positions.size() ? piece->positions[i] : piece->positions.back() + 1);
}

}  // namespace crowsnest
