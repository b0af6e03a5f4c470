// A rule's output: text with %field references (Falco's syntax, e.g.
// "%proc.name connected to %fd.name", "%proc.aname[2]"), split once at load.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/rule_fields.h"

namespace crowsnest {

class OutputTemplate {
public:
    // Unknown fields are not errors (Falco outputs name fields crowsnest
    // lacks, such as %user.name): they print as <NA>, and each is named
    // in `unknown`. Trailing white space is dropped.
    void parse(std::string_view text, std::vector<std::string> &unknown);
    // The sentence; with `fields`, each %field's value too, by its name as written.
    std::string render(FieldReader &reader, std::vector<std::pair<std::string, std::string>> *fields = nullptr) const;

private:
    struct Part {
        std::string text;  // literal text
        FieldRef field;    // or a field (field.info set)
    };
    std::vector<Part> parts_;
};

}  // namespace crowsnest
