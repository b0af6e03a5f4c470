#include "outputs/falco_alert.h"

#include <charconv>
#include <ctime>

#include <nlohmann/json.hpp>

#include "rules/rule_fields.h"

namespace crowsnest {
namespace {

// A %field's value typed as Falco types it in output_fields: numbers and
// booleans as JSON's, a value the event did not have (<NA>) as null.
nlohmann::json typed(const std::string &name, const std::string &value) {
    if (value == "<NA>") return nullptr;
    const FieldInfo *info = find_field(std::string_view(name).substr(0, name.find('[')));
    if (info && info->type == FieldType::Number && !info->multi) {
        int64_t n = 0;
        const auto r = std::from_chars(value.data(), value.data() + value.size(), n);
        if (r.ec == std::errc() && r.ptr == value.data() + value.size()) return n;
    }
    if (info && info->type == FieldType::Bool && (value == "true" || value == "false")) return value == "true";
    return value;
}

}  // namespace

std::string rfc3339(const google::protobuf::Timestamp &t, int digits) {
    const time_t secs = time_t(t.seconds());
    struct tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
    int frac = t.nanos();
    for (int d = digits; d < 9; d++) frac /= 10;
    if (digits > 0) n += size_t(std::snprintf(buf + n, sizeof(buf) - n, ".%0*d", digits, frac));
    buf[n++] = 'Z';
    return std::string(buf, n);
}

std::string falco_priority(const v1::Verdict &v) {
    if (!v.priority().empty()) return v.priority();
    const std::string &s = v.severity();
    if (s == "critical") return "Critical";
    if (s == "high") return "Error";
    if (s == "medium") return "Warning";
    if (s == "low") return "Notice";
    return "Informational";
}

std::string falco_alert_json(const v1::Verdict &v) {
    nlohmann::json fields = nlohmann::json::object();
    for (const auto &[name, value] : v.output_fields()) fields[name] = typed(name, value);
    // Falco's: the 12-character id, and "host" for what runs outside a container
    const std::string &id = v.container().id();
    fields["container.id"] = id.empty() ? "host" : id.substr(0, 12);
    fields["container.name"] = id.empty() ? "host" : v.container().name().empty() ? nullptr : nlohmann::json(v.container().name());
    nlohmann::json alert = {
        {"time", rfc3339(v.time(), 9)},
        {"rule", v.rule()},
        {"priority", falco_priority(v)},
        {"source", "syscall"},
        {"hostname", v.container().node()},
        {"output", v.output()},
        {"tags", std::vector<std::string>(v.tags().begin(), v.tags().end())},
        {"output_fields", std::move(fields)},
    };
    return alert.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace crowsnest
