#include "rules/output_template.h"

#include <cctype>

namespace crowsnest {

namespace {

bool is_field_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_'; }

}  // namespace

void OutputTemplate::parse(std::string_view text, std::vector<std::string> &unknown) {
    parts_.clear();
    // a YAML folded or literal block ends in a newline: not part of the sentence
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    std::string literal;
    size_t close = 0;  // the first ']' at or after `end`, looked for again only once passed: one pass over the text
    for (size_t i = 0; i < text.size();) {
        size_t end = i + 1;
        if (text[i] == '%') {
            while (end < text.size() && is_field_char(text[end])) end++;
            while (end > i + 1 && text[end - 1] == '.') end--;  // a sentence's full stop
        }
        if (text[i] != '%' || end == i + 1) {
            literal += text[i++];
            continue;
        }
        const std::string_view name = text.substr(i + 1, end - i - 1);
        std::string_view arg;
        bool has_arg = false;
        if (end < text.size() && text[end] == '[') {
            if (close < end) close = text.find(']', end);
            if (close != std::string_view::npos) {
                has_arg = true;
                arg = text.substr(end + 1, close - end - 1);
                end = close + 1;
            }
        }
        Part part;
        std::string error;
        if (!make_field_ref(name, has_arg, arg, part.field, error)) {
            unknown.push_back(error);
            literal += "<NA>";
            i = end;
            continue;
        }
        if (!literal.empty()) parts_.push_back({std::move(literal), {}});
        literal.clear();
        parts_.push_back(std::move(part));
        i = end;
    }
    if (!literal.empty()) parts_.push_back({std::move(literal), {}});
}

std::string OutputTemplate::render(FieldReader &reader, std::vector<std::pair<std::string, std::string>> *fields) const {
    std::string out;
    for (const auto &p : parts_) {
        if (!p.field.info) {
            out += p.text;
            continue;
        }
        const size_t start = out.size();
        reader.render(p.field, out);
        if (fields) fields->emplace_back(p.field.text, out.substr(start));
    }
    return out;
}

}  // namespace crowsnest
