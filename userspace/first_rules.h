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
//
// Predicates ("values" are a list's name or an inline [list]):
//   in_container, succeeded, host_pid_ns: true | false
//   open_for_write: true | false  open: write or read-write access, O_CREAT or O_TRUNC
//   exe_upper_layer: true | false exec: the program's file is in an overlay upper
//                              layer (written or changed after the container started)
//   distinct_ports_per_host: {at_least: N, within_seconds: S}
//                              connect: this connect makes its cgroup (container or
//                              host service) reach N distinct ports of one address
//                              within S seconds of its first try; once per window.
//                              Stateful: put it first in `when` so it sees every connect
//   exe_name_in: values        executed file, argv[0] or process name (case-insensitive)
//   args_contain_any: values   a substring of an argument after argv[0] (case-insensitive)
//   args_flag_any: values      an argument that is the flag, or "flag=..."
//   flag_value_contains_any: {flags: values, values: values}
//                              the value given to one of the flags ("-a x", "--algo x",
//                              "--algo=x", "-ax") contains one of the values
//                              (case-insensitive); other arguments do not count
//   dst_port_in: values        connect: inet/inet6 destination port
//   unix_socket_name_in: values  connect: last component of the unix socket path
//   path_prefix_in: values     open: the absolute path starts with one of them
//   path_name_in: values       open: last component of the path
//   host_file: values          open: reached one of these host files, or a file
//                              directly in a listed "dir/" (absolute host paths)
//
// Lists are collected from all files before any rule is read: a list that a
// later file redefines replaces the earlier one for the rules of every file.
// An event gets at most one verdict per category: the first matching rule in
// file order (so put the most specific rule of a category first).
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
    // the same name, for all rules). On any error returns nullptr and appends
    // one "file:line:column: message" per problem to `errors`, in file order;
    // never throws on bad YAML.
    static std::unique_ptr<FirstRules> load(const std::vector<std::string> &files, std::vector<std::string> &errors);

    void match(const EventContext &ctx, std::vector<Detection> &out) const override;
    size_t rule_count() const override;
    const RuleInfo &rule_info(size_t i) const;

    // The host paths named by the enabled rules' host_file predicates,
    // sorted and unique.
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
