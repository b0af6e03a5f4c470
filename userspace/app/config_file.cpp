#include "app/config_file.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>

#include "rules/rule_source.h"
#include "rules/yaml_bounds.h"
#include "util/path_util.h"

namespace crowsnest {

namespace {

constexpr size_t kMaxConfigBytes = 1u << 20;  // far above any real config

// The table's keys under section `prefix` ("grpc" gives "grpc.socket", ...).
std::string keys_under(const std::string &prefix) {
    std::string keys;
    for (const auto &s : option_table())
        if (s.key && std::string(s.key).rfind(prefix + ".", 0) == 0) keys += (keys.empty() ? "" : ", ") + std::string(s.key);
    return keys;
}

class ConfigReader {
public:
    ConfigReader(const SourceFile &file, std::vector<Setting> &out, std::vector<std::string> &errors)
        : file_(file), out_(out), errors_(errors) {}

    void read_map(const YAML::Node &map, const std::string &prefix) {
        std::map<std::string, std::string> seen;  // key -> where
        for (auto it = map.begin(); it != map.end(); ++it) {
            const YAML::Node k = it->first, v = it->second;  // copies: the iterator yields temporaries
            if (!k.IsScalar()) {
                error(k, "a key must be a plain name");
                continue;
            }
            const std::string key = prefix.empty() ? k.Scalar() : prefix + "." + k.Scalar();
            if (auto [at, fresh] = seen.emplace(key, where(k)); !fresh) {
                error(k, "duplicate key '" + key + "' (first at " + at->second + ")");
                continue;
            }
            if (const OptionSpec *spec = find_key(key)) {
                if (v.IsNull())  // an empty value has no position of its own: its key's
                    error(k, key + ": needs a value");
                else
                    read_value(*spec, key, v);
            } else if (const std::string section = keys_under(key); !section.empty()) {
                if (v.IsMap())
                    read_map(v, key);
                else
                    error(v, "'" + key + "' is a section: it takes keys (" + section + ")");
            } else {
                error(k, "unknown key '" + key + "'");
            }
        }
    }

private:
    std::string where(const YAML::Node &n) const { return file_.where(n.Mark().pos); }
    void error(const YAML::Node &at, const std::string &msg) { errors_.push_back(where(at) + ": " + msg); }

    void read_value(const OptionSpec &spec, const std::string &key, const YAML::Node &v) {
        if (spec.kind == OptionSpec::Kind::List && v.IsSequence()) {
            for (const auto &item : v) scalar(spec, key, item);
        } else {
            scalar(spec, key, v);
        }
    }

    void scalar(const OptionSpec &spec, const std::string &key, const YAML::Node &v) {
        if (v.IsNull()) return error(v, key + ": needs a value");
        if (!v.IsScalar())
            return error(v, key + (spec.kind == OptionSpec::Kind::List ? ": must be a value or a list of values"
                                                                       : ": must be a single value"));
        std::string value = v.Scalar();
        if (spec.kind == OptionSpec::Kind::Flag) {
            bool b = false;
            if (!YAML::convert<bool>::decode(v, b)) return error(v, key + ": must be true or false");
            value = b ? "true" : "false";
        }
        out_.push_back({&spec, std::move(value), where(v)});
    }

    const SourceFile &file_;
    std::vector<Setting> &out_;
    std::vector<std::string> &errors_;
};

}  // namespace

bool read_config_file(const std::string &path, std::vector<Setting> &out, std::vector<std::string> &errors) {
    std::string text, error;
    std::error_code ec;
    if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec)) {
        errors.push_back(path + ": not a regular file");
        return false;
    }
    if (!read_whole_file(path, text, error, kMaxConfigBytes + 1)) {
        errors.push_back(error);
        return false;
    }
    if (text.size() > kMaxConfigBytes) {
        errors.push_back(path + ": larger than " + std::to_string(kMaxConfigBytes) + " bytes: not a config file");
        return false;
    }
    const SourceFile file(path, std::move(text));
    YAML::Node doc;
    try {
        YamlBudget().check(file.text());  // no alias bomb or deep nesting is built
        doc = YAML::Load(file.text());
    } catch (const YAML::Exception &e) {
        errors.push_back(file.where(e.mark.pos) + ": " + e.msg);
        return false;
    }
    const size_t before = errors.size();
    if (doc.IsMap())
        ConfigReader(file, out, errors).read_map(doc, "");
    else if (!doc.IsNull())
        errors.push_back(file.where(doc.Mark().pos) + ": a config file is a map of keys (see crowsnest --help)");
    return errors.size() == before;
}

}  // namespace crowsnest
