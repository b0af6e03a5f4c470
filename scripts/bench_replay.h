// What the replay benchmarks (bench_rules, bench_pipeline) share: the rules
// they replay through, the pinning of the replaying thread, clocks and the
// way figures are printed. Each defines die() for its own messages.
#pragma once

#include <sched.h>
#include <time.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "rules/rule_files.h"
#include "rules/rule_set.h"

[[noreturn]] void die(const std::string &msg);

namespace bench {

// The rules of `paths` (the shipped ones if none), or die with their errors.
inline std::unique_ptr<crowsnest::RuleSet> load_rules(std::vector<std::string> paths, size_t &file_count) {
    if (paths.empty()) paths.push_back(CROWSNEST_DEFAULT_RULES);
    std::vector<std::string> files, errors, warnings;
    std::string error;
    if (!crowsnest::expand_rule_paths(paths, files, error)) die(error);
    auto rules = crowsnest::RuleSet::load(files, errors, warnings);
    if (!rules) {
        for (const auto &e : errors) std::fprintf(stderr, "%s\n", e.c_str());
        die("the rules did not compile");
    }
    file_count = files.size();
    return rules;
}

// Pins the calling thread to `cpu` (< 0: the one it runs on); returns it.
inline long pin_to_cpu(long cpu) {
    if (cpu < 0) cpu = sched_getcpu();
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(int(cpu), &set);
    if (sched_setaffinity(0, sizeof(set), &set) != 0) die("cannot pin to CPU " + std::to_string(cpu));
    return cpu;
}

inline double now(clockid_t clock) {
    timespec ts{};
    clock_gettime(clock, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// 1.23 M, 45.6 k, 789
inline std::string si(double v) {
    char buf[32];
    if (v >= 1e6) std::snprintf(buf, sizeof(buf), "%.2f M", v / 1e6);
    else if (v >= 1e3) std::snprintf(buf, sizeof(buf), "%.1f k", v / 1e3);
    else std::snprintf(buf, sizeof(buf), "%.0f", v);
    return buf;
}

}  // namespace bench
