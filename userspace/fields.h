// Named fields of an event (Falco's names where the meaning is the same),
// used by rule output templates: "%proc.name connected to %fd.name".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "event_context.h"

namespace crowsnest {

// Every field name this build knows.
const std::vector<std::string_view> &field_names();

bool is_known_field(std::string_view name);

// The field's value for this event, "" when the event does not set it.
std::string field_value(const EventContext &ctx, std::string_view name);

// An output template split at its %field references, checked once at load.
class OutputTemplate {
public:
    // Returns false and names the unknown field in `error`.
    bool parse(std::string_view text, std::string &error);
    std::string render(const EventContext &ctx) const;

private:
    struct Part {
        bool is_field;
        std::string text;  // literal text, or the field name
    };
    std::vector<Part> parts_;
};

}  // namespace crowsnest
