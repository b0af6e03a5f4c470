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
    // An error or warning as "path:line:column: message", in a.yaml unless named.
    std::string at(int line, int column, const std::string &message, const std::string &file = "a.yaml") const {
        return path(file) + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
    }

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

// Lists l0..l5, each of ten aliases to the list before: twelve lines that
// stand for more than a million YAML nodes. The bound is passed at the
// eighth alias in l5 (line 12, column 50).
inline std::string nested_alias_bomb() {
    std::string yaml = "- list: l0\n  items: &l0 [a, a, a, a, a, a, a, a, a, a]\n";
    for (int i = 1; i <= 5; i++) {
        const std::string name = "l" + std::to_string(i), before = "*l" + std::to_string(i - 1);
        yaml += "- list: " + name + "\n  items: &" + name + " [" + before;
        for (int j = 1; j < 10; j++) yaml += ", " + before;
        yaml += "]\n";
    }
    return yaml;
}

}  // namespace crowsnest::test
