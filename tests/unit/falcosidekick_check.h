// What Falcosidekick requires of a Falco alert before it fans it out (its
// documented acceptance rules): 400 unless `priority` is one of Falco's
// eight names, `rule` is not empty, `time` is set and `output_fields` is
// not empty. Written here from that description, for the unit and the
// integration tests of the Falco format.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace crowsnest::test {

// "" if Falcosidekick would accept `body`, else why not.
inline std::string falcosidekick_refusal(const std::string &body) {
    const auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return "not a JSON object";
    static const char *const kPriorities[] = {"Emergency", "Alert",  "Critical",      "Error",
                                              "Warning",   "Notice", "Informational", "Debug"};
    bool known = false;
    if (j.contains("priority") && j["priority"].is_string())
        for (const char *p : kPriorities) known = known || j["priority"] == p;
    if (!known) return "priority is not one of Falco's";
    if (!j.contains("rule") || !j["rule"].is_string() || j["rule"].get<std::string>().empty()) return "no rule";
    if (!j.contains("time") || !j["time"].is_string() || j["time"].get<std::string>().empty() ||
        j["time"].get<std::string>().rfind("0001-01-01", 0) == 0 || j["time"].get<std::string>().rfind("1970-01-01T00:00:00.", 0) == 0)
        return "no time";
    if (!j.contains("output_fields") || !j["output_fields"].is_object() || j["output_fields"].empty())
        return "no output_fields";
    return "";
}

}  // namespace crowsnest::test
