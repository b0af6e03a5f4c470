// Rule files written to a temporary directory and loaded as the sensor
// loads them, for the tests of the rule language.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rules/rule_set.h"
#include "test_util.h"

namespace crowsnest::test {

struct RuleFiles {
    TempDir dir;
    std::vector<std::string> errors, warnings;

    std::string path(const std::string &name) const { return dir / name; }

    // Writes `texts` as a.yaml, b.yaml... and loads them in that order;
    // nullptr on errors (in `errors`).
    std::unique_ptr<RuleSet> load(const std::vector<std::string> &texts) {
        std::vector<std::string> paths;
        for (size_t i = 0; i < texts.size(); i++) {
            paths.push_back(path(std::string(1, char('a' + i)) + ".yaml"));
            write_file(paths.back(), texts[i]);
        }
        errors.clear();
        warnings.clear();
        return RuleSet::load(paths, errors, warnings);
    }
};

}  // namespace crowsnest::test
