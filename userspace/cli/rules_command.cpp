#include "cli/rules_command.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "rules/prefilter_summary.h"
#include "rules/rule_files.h"
#include "rules/rule_set.h"

namespace crowsnest {

namespace {

const char *kUsage =
    "Usage: crowsnest rules validate [--summary] FILE|DIR...\n"
    "                                              check rule files (all given, in order, as --rules loads them),\n"
    "                                              and say what the kernel's prefilter makes of them;\n"
    "                                              --summary: how many rules load, are disabled, skipped, or can\n"
    "                                              never fire here, and why\n"
    "       crowsnest rules fields                 list the fields of conditions and outputs\n";

void print_summary(const RuleSet::Summary &s, size_t loaded) {
    std::printf("rules: %zu defined, %zu loaded, %zu disabled, %zu skipped, %zu can never fire here\n", s.defined,
                loaded, s.disabled, s.skipped.size(), s.never_fire.size());
    for (const auto &[name, why] : s.skipped) std::printf("  skipped: %s: %s\n", name.c_str(), why.c_str());
    for (const auto &[name, why] : s.never_fire) std::printf("  never fires: %s: %s\n", name.c_str(), why.c_str());
}

int validate(std::vector<std::string> paths) {
    const bool summary = !paths.empty() && paths[0] == "--summary";
    if (summary) paths.erase(paths.begin());
    if (paths.empty()) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    std::vector<std::string> files, errors, warnings;
    std::string error;
    if (!expand_rule_paths(paths, files, error)) {
        std::fprintf(stderr, "crowsnest rules validate: %s\n", error.c_str());
        return 2;
    }
    auto rules = RuleSet::load(files, errors, warnings);
    for (const auto &e : errors) std::printf("%s\n", e.c_str());
    for (const auto &w : warnings) std::printf("%s\n", w.c_str());
    if (!rules) {
        std::printf("invalid: %zu errors, %zu warnings\n", errors.size(), warnings.size());
        return 1;
    }
    std::printf("ok: %zu enabled rules from %zu files, %zu warnings\n", rules->rule_count(), files.size(),
                warnings.size());
    // what the kernel will send for these rules, and which rule costs the most
    for (const auto &line : describe_prefilter(summarise_for_prefilter(*rules), summary)) std::printf("%s\n", line.c_str());
    if (summary) print_summary(rules->summary(), rules->rule_count());
    return 0;
}

int fields() {
    for (const auto &f : field_table()) {
        const bool indexed = f.arg == FieldInfo::Arg::Index, text = f.arg == FieldInfo::Arg::Text;
        std::string events;
        for (auto t : {EventType::Exec, EventType::Connect, EventType::ConnectResult, EventType::Open, EventType::Exit,
                       EventType::Syscall})
            if (f.events & event_bit(t)) events += std::string(events.empty() ? "" : ",") + event_type_name(t);
        std::printf("%-24s %-13s %-24s %s\n", (std::string(f.name) + (indexed ? "[N]" : text ? "[ARG]" : "")).c_str(),
                    field_type_name(f.type), events.c_str(), std::string(f.doc).c_str());
    }
    return 0;
}

}  // namespace

int run_rules_command(int argc, char **argv) {
    if (argc >= 3 && !std::strcmp(argv[1], "validate")) return validate(std::vector<std::string>(argv + 2, argv + argc));
    if (argc == 2 && !std::strcmp(argv[1], "fields")) return fields();
    std::fputs(kUsage, argc >= 2 && !std::strcmp(argv[1], "--help") ? stdout : stderr);
    return argc >= 2 && !std::strcmp(argv[1], "--help") ? 0 : 2;
}

}  // namespace crowsnest
