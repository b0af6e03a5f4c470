// The first rule set: YAML rules made of a few typed predicates over an
// event (binary names, argument substrings and flags, ports, socket names,
// paths, protected host files). Loaded from files, validated with file:line
// errors, and matched behind the Matcher interface.
//
//   lists:
//     miner_binaries: [xmrig, minerd]
//   rules:
//     - rule: crypto_miner_binary
//       desc: A known miner binary was started.
//       event: exec                  # exec | connect | open
//       category: miner
//       severity: critical           # info | low | medium | high | critical
//       tags: [T1496]
//       when:                        # all must hold
//         succeeded: true
//         exe_name_in: miner_binaries   # a list's name, or an inline [list]
//       output: "Miner %proc.exe started (%proc.cmdline)"
#pragma once

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "detection.h"
#include "fields.h"

namespace crowsnest {

class FirstRules final : public Matcher {
public:
    // Loads the files in order (lists of later files replace earlier ones of
    // the same name). On any error returns nullptr and appends one
    // "file:line:column: message" per problem to `errors`.
    static std::unique_ptr<FirstRules> load(const std::vector<std::string> &files, std::vector<std::string> &errors);

    void match(const EventContext &ctx, std::vector<Detection> &out) const override;
    size_t rule_count() const override;

    // The host paths named by the rules' host_file predicates.
    const std::vector<std::string> &protected_host_paths() const { return host_paths_; }

    struct Predicate;
    struct Rule;
    ~FirstRules() override;
    FirstRules();

private:
    std::vector<Rule> rules_;
    std::vector<std::string> host_paths_;
};

}  // namespace crowsnest
