#include "app/options.h"

#include <getopt.h>

#include <cstring>
#include <filesystem>
#include <set>

#include "app/config_file.h"
#include "app/install_paths.h"
#include "app/option_table.h"

namespace crowsnest {

namespace {

using Kind = OptionSpec::Kind;

// The option that getopt rejected as the user typed it. optopt is the letter
// of an unknown "-x", also inside a group like "-xe" where optind still points
// at the group; for a long option it is 0 (or, for a value given to an option
// that takes none, that option's own letter), and optind has moved past it.
std::string rejected_option(char **argv, const std::string &shortopts) {
    if (optopt > 0 && optopt < 256 && shortopts.find(char(optopt)) == std::string::npos)
        return std::string("-") + char(optopt);
    return argv[optind - 1];
}

// The settings argv gives, in order; getopt is set up from the table.
bool parse_command_line(int argc, char **argv, std::vector<Setting> &out, std::string &error) {
    const auto &table = option_table();
    std::vector<option> longopts;
    std::string shortopts = ":";  // ':' first: a missing value is told apart from an unknown option
    for (size_t i = 0; i < table.size(); i++) {
        const OptionSpec &s = table[i];
        const int arg = s.kind == Kind::Flag ? no_argument : required_argument;
        if (s.flag) longopts.push_back({s.flag, arg, nullptr, int(256 + i)});
        if (s.short_flag) shortopts += std::string(1, s.short_flag) + (arg == required_argument ? ":" : "");
    }
    longopts.push_back({nullptr, 0, nullptr, 0});
    // 0 rather than 1 makes glibc forget everything of an earlier parse,
    // including its position inside a group of short flags
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, shortopts.c_str(), longopts.data(), nullptr)) != -1) {
        if (c == ':') {
            error = std::string("option ") + argv[optind - 1] + " needs a value";
            return false;
        }
        const OptionSpec *spec = c >= 256 ? &table[size_t(c - 256)] : nullptr;
        for (const auto &s : table)
            if (c != '?' && c < 256 && s.short_flag == c) spec = &s;
        if (!spec) {
            error = "unknown option " + rejected_option(argv, shortopts);
            return false;
        }
        out.push_back({spec, spec->kind == Kind::Flag ? "true" : optarg, ""});
    }
    if (optind < argc) {
        error = std::string("unexpected argument '") + argv[optind] + "'";
        return false;
    }
    return true;
}

bool apply(const Setting &s, Options &out, std::string &error) {
    std::string reason;
    if (s.spec->apply(out, s.value, reason)) return true;
    error = (s.where.empty() ? "invalid " + option_name(*s.spec) : s.where + ": invalid " + s.spec->key) + " '" +
            s.value + "': " + reason;
    return false;
}

// What no single option can check, and the defaults that depend on the
// machine: the shipped rules and then the user's rules.d.
bool finish(Options &out, std::string &error) {
    const bool any_tls = !out.server.tls_cert.empty() || !out.server.tls_key.empty() || !out.server.tls_client_ca.empty();
    if (!out.server.listen.empty() && (out.server.tls_cert.empty() || out.server.tls_key.empty() || out.server.tls_client_ca.empty())) {
        error = "--listen serves mutual TLS: it needs --tls-cert, --tls-key and --tls-client-ca "
                "(plaintext TCP only with --insecure-listen)";
        return false;
    }
    if (out.server.listen.empty() && any_tls) {
        error = "--tls-cert, --tls-key and --tls-client-ca apply to --listen, which is not given";
        return false;
    }
    const HttpOutputConfig &h = out.http_output;
    if (h.url.empty() && (!h.ca_file.empty() || !h.cert_file.empty() || !h.key_file.empty() || !h.headers.empty())) {
        error = "--http-header, --http-ca, --http-cert and --http-key apply to --http-output, which is not given";
        return false;
    }
    if (h.cert_file.empty() != h.key_file.empty()) {
        error = "--http-cert and --http-key go together";
        return false;
    }
    if (out.flood.rate > 0 && out.flood.burst == 0) out.flood.burst = out.flood.rate;
    for (auto *o : {&out.syslog_rate, &out.http_rate, &out.slack_rate})
        if (o->rate > 0 && o->burst < 0) o->burst = o->rate;
    if (out.rule_paths.empty()) {
        std::vector<std::string> looked;
        const std::string shipped = shipped_rules_dir(looked);
        if (shipped.empty()) {
            error = "the shipped rules are not where they are installed (looked in";
            for (const auto &l : looked) error += " " + l;
            error += "): give --rules";
            return false;
        }
        out.rule_paths.push_back(shipped);
        std::error_code ec;
        if (std::filesystem::is_directory(kUserRulesDir, ec)) out.rule_paths.push_back(kUserRulesDir);
    }
    return true;
}

// Settings of config file `path` applied to `out`. False with one line per problem.
bool apply_config_file(const std::string &path, const std::set<const OptionSpec *> &given_lists, Options &out,
                       std::string &error) {
    std::vector<Setting> settings;
    std::vector<std::string> errors;
    read_config_file(path, settings, errors);
    for (const auto &s : settings) {
        // a list given on the command line replaces the file's, as any value does
        if (given_lists.count(s.spec)) continue;
        std::string e;
        if (!apply(s, out, e)) errors.push_back(e);
    }
    if (errors.empty()) return true;
    error = "invalid config file " + path + ":";
    for (const auto &e : errors) error += "\n" + e;
    return false;
}

}  // namespace

std::string usage_text() {
    return R"(Usage: crowsnest [options]
       crowsnest watch [filters] [connection]   (see crowsnest watch --help)
       crowsnest status [-o json] [connection]
       crowsnest rules validate FILE|DIR...   (crowsnest rules fields: the fields)
       crowsnest config validate FILE

Watches execve, connect and open(at) on this host through eBPF, resolves the
container of every event, and prints a JSON line for every rule that fires.

Options (each also a key of the config file, in brackets; dots are nested maps):
)" + options_help() +
           R"(
Logs and the final counters go to stderr. SIGINT or SIGTERM stops cleanly;
SIGHUP reloads the rule files (a bad file keeps the running rules).
)";
}

bool parse_options(int argc, char **argv, Options &out, std::string &error) {
    std::vector<Setting> cli;
    if (!parse_command_line(argc, argv, cli, error)) return false;
    // the command line alone first: it names the config file, or asks for help
    Options given;
    for (const auto &s : cli)
        if (!apply(s, given, error)) return false;
    if (given.help || given.version) {
        out = given;
        return true;
    }
    std::string path = given.config_path;
    std::error_code ec;
    if (path.empty() && std::filesystem::exists(kDefaultConfigPath, ec)) path = kDefaultConfigPath;
    Options merged;
    if (!path.empty() && path != "none") {
        std::set<const OptionSpec *> given_lists;
        for (const auto &s : cli)
            if (s.spec->kind == Kind::List) given_lists.insert(s.spec);
        if (!apply_config_file(path, given_lists, merged, error)) return false;
    }
    for (const auto &s : cli)
        if (!apply(s, merged, error)) return false;
    if (!finish(merged, error)) return false;
    out = std::move(merged);
    return true;
}

bool read_config_options(const std::string &path, Options &out, std::string &error) {
    Options o;
    if (!apply_config_file(path, {}, o, error)) return false;
    if (!finish(o, error)) {
        error = path + ": " + error;
        return false;
    }
    out = std::move(o);
    return true;
}

}  // namespace crowsnest
