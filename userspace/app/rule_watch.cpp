#include "app/rule_watch.h"

#include <sys/stat.h>

#include "rules/rule_files.h"

namespace crowsnest {

std::string RuleWatch::fingerprint() const {
    std::vector<std::string> files;
    std::string error, out;
    if (!expand_rule_paths(paths_, files, error)) return error;  // a path went: a change too
    for (const auto &f : files) {
        struct stat st {};
        out += f;
        if (stat(f.c_str(), &st) == 0)
            out += ' ' + std::to_string(st.st_dev) + ' ' + std::to_string(st.st_ino) + ' ' + std::to_string(st.st_size) +
                   ' ' + std::to_string(st.st_mtim.tv_sec) + '.' + std::to_string(st.st_mtim.tv_nsec);
        out += '\n';
    }
    return out;
}

bool RuleWatch::changed() {
    std::string now = fingerprint();
    if (now == last_) return false;
    last_ = std::move(now);
    return true;
}

}  // namespace crowsnest
