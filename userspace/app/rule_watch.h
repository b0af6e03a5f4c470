// Notices that the rule files changed: the files the --rules paths name
// now, and each one's device, inode, size and modification time. Checked
// every few seconds, it sees an edit in place, a file added to or removed
// from a rules directory, and a Kubernetes ConfigMap update (the kubelet
// swaps a symlink to a new directory: new inodes).
#pragma once

#include <string>
#include <vector>

namespace crowsnest {

class RuleWatch {
public:
    explicit RuleWatch(std::vector<std::string> paths) : paths_(std::move(paths)), last_(fingerprint()) {}

    // True when the files differ from the last call (or from construction).
    bool changed();

private:
    std::string fingerprint() const;

    std::vector<std::string> paths_;
    std::string last_;
};

}  // namespace crowsnest
