// A real container for tests, started with runc (the runtime Docker and
// containerd use): its own mount, pid, uts and ipc namespaces, a busybox root
// filesystem, and a cgroup at the path a real runtime would choose.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace crowsnest::test {

struct ContainerSpec {
    std::string cgroups_path;        // e.g. "/docker/<64 hex>"
    bool host_network = true;        // share the host's network namespace (loopback tests)
    bool host_pid = false;           // share the host's pid namespace
    bool mount_host_root = false;    // bind the host's / read-only at /host
    std::vector<std::string> extra_links;  // more busybox applet names in /bin
    std::vector<std::pair<std::string, std::string>> rw_binds;  // host dir -> container path
    bool overlay_rootfs = false;     // an image layer under a writable layer, as Docker's overlay2
    std::vector<std::string> extra_capabilities;  // beyond runc's defaults, e.g. CAP_DAC_READ_SEARCH
    bool allow_devices = false;      // the device cgroup lets it make and use any device node (runc's
                                     // default denies all but a few), as a privileged container's does
    // the host's /usr (merged: /bin, /lib, /sbin link into it), /etc and dpkg
    // database, read-only, instead of busybox: a Debian userland (gcc, make,
    // sqlite3, dpkg); /tmp is the container's own
    bool host_userland = false;
};

class RuncContainer {
public:
    // Builds the bundle and starts `sleep 600` as the container's init.
    // Returns false with the reason in `error`.
    bool start(const ContainerSpec &spec, std::string &error);
    // Runs `args` as the init of a container that ends with it, in the
    // foreground, as `docker run --rm` does: its cgroup is gone when this
    // returns. Returns its exit status (-1, with `error`, if none ran).
    int run_to_end(const ContainerSpec &spec, const std::vector<std::string> &args, std::string &error);
    // Runs a shell command inside the container and waits for it; returns
    // its exit status (or -1).
    int exec(const std::string &shell_command);
    // Runs a program inside the container by execve, no shell in between.
    int run(const std::vector<std::string> &argv);
    ~RuncContainer();

    const std::string &name() const { return name_; }
    const std::string &bundle() const { return bundle_; }
    // The container's cgroup v2 id: the inode of its cgroup directory.
    uint64_t cgroup_id() const { return cgroup_id_; }
    // Host pid of the container's init.
    int init_pid() const { return init_pid_; }

private:
    bool build_bundle(const ContainerSpec &spec, const std::vector<std::string> &args, std::string &error);

    std::string name_, bundle_;
    uint64_t cgroup_id_ = 0;
    int init_pid_ = -1;
};

// Docker's cgroupfs path for a container id: "/docker/<id>".
inline std::string docker_path(const std::string &id) { return "/docker/" + id; }
// A loopback TCP port nobody listens on (bound, never listened on, released).
uint16_t unused_loopback_port();
// 64 random lowercase hex characters: a container id.
std::string random_container_id();
// A random RFC 4122 UUID: a pod uid.
std::string random_uuid();
// Where cgroup2 is mounted on this machine (from /proc/self/mountinfo).
std::string cgroup2_mount();
// A fresh directory for a test's socket and files, below /tmp.
std::string temp_dir();
// True if `tool` is on PATH.
bool have_tool(const std::string &tool);
// Runs a shell command, returns its exit status; output goes to `output`.
int run_shell(const std::string &command, std::string *output = nullptr);

}  // namespace crowsnest::test
