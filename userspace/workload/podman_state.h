// podman: containers/storage's record of every container,
// <graph root>/overlay-containers/containers.json (each entry's names, and
// a metadata string holding podman's name and image-name), and the
// container's OCI spec in <graph root>/overlay-containers/<id>/userdata/
// config.json (marked io.container.manager=libpod).
#pragma once

#include <ctime>
#include <mutex>
#include <unordered_map>

#include "workload/runtime_state.h"

namespace crowsnest {

class PodmanState : public RuntimeState {
public:
    // graph_root: containers/storage's graphroot (default /var/lib/containers/storage)
    explicit PodmanState(std::string graph_root);
    std::string_view runtime() const override { return "podman"; }
    ReadStatus read(const std::string &id, WorkloadInfo &out, std::string &error) const override;
    std::string containers_root() const override { return containers_dir_; }
    int watch_depth() const override { return 2; }

private:
    struct Record {
        std::string name, image;
    };
    // containers.json, parsed again only when it changed (mu_ held)
    ReadStatus load_records(std::string &error) const;

    std::string containers_dir_;
    static constexpr size_t kMaxIndexBytes = 32u << 20;  // ~2 KB a container: thousands of them
    mutable std::mutex mu_;  // the parsed index is shared by the threads that read
    mutable std::unordered_map<std::string, Record> records_;
    mutable timespec records_mtime_{};
    mutable off_t records_size_ = -1;
};

}  // namespace crowsnest
