#include "runc_container.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>

#include "enrich/cgroup_resolver.h"

namespace crowsnest::test {

int run_shell(const std::string &command, std::string *output) {
    FILE *p = popen((command + " 2>&1").c_str(), "r");
    if (!p) return -1;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
        if (output) output->append(buf, n);
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

uint16_t unused_loopback_port() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof(a));
    getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
}

std::string temp_dir() {
    char tmpl[] = "/tmp/crowsnest-test-XXXXXX";
    return mkdtemp(tmpl) ? tmpl : "";
}

bool have_tool(const std::string &tool) { return run_shell("command -v " + tool + " >/dev/null") == 0; }

std::string random_container_id() {
    static std::mt19937_64 rng{std::random_device{}()};
    static const char hex[] = "0123456789abcdef";
    std::string id;
    for (int i = 0; i < 64; i++) id += hex[rng() % 16];
    return id;
}

std::string random_uuid() {
    std::string h = random_container_id();
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-4" + h.substr(13, 3) + "-a" + h.substr(17, 3) + "-" +
           h.substr(20, 12);
}

std::string cgroup2_mount() {
    std::ifstream mountinfo("/proc/self/mountinfo");
    return find_cgroup2_mount(mountinfo);
}

namespace {
std::string shell_quote(const std::string &s) {
    std::string quoted = "'";
    for (char c : s) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}
}  // namespace

// The bundle: busybox and its applet links, and a config.json whose process
// runs `args`; with overlay_rootfs the image is the read-only lower layer
// and the container writes to an upper layer.
bool RuncContainer::build_bundle(const ContainerSpec &spec, const std::vector<std::string> &args,
                                 std::string &error) {
    char tmpl[] = "/tmp/crowsnest-bundle-XXXXXX";
    if (!mkdtemp(tmpl)) {
        error = "mkdtemp failed";
        return false;
    }
    bundle_ = tmpl;
    name_ = "crowsnest-test-" + random_container_id().substr(0, 12);

    std::string links = "sh cat ls sleep nc wget echo cp chmod mkdir true seq printf ln rm";
    for (const auto &l : spec.extra_links) links += " " + l;
    std::string json_args;
    for (const auto &a : args) json_args += (json_args.empty() ? "\"" : ",\"") + a + "\"";
    std::string jq = ".process.terminal=false | .process.args=[" + json_args + "]"
                     " | .linux.cgroupsPath=\"" + spec.cgroups_path + "\"";
    if (spec.host_network) jq += " | .linux.namespaces |= map(select(.type != \"network\"))";
    if (spec.host_pid) jq += " | .linux.namespaces |= map(select(.type != \"pid\"))";
    if (spec.host_userland)
        for (const char *dir : {"/usr", "/etc", "/var/lib/dpkg"})
            jq += std::string(" | .mounts += [{\"destination\":\"") + dir + "\",\"type\":\"bind\",\"source\":\"" +
                  dir + "\",\"options\":[\"rbind\",\"ro\"]}]";
    if (spec.mount_host_root)
        jq += " | .mounts += [{\"destination\":\"/host\",\"type\":\"bind\",\"source\":\"/\",\"options\":[\"rbind\",\"ro\"]}]";
    for (const auto &[source, destination] : spec.rw_binds)
        jq += " | .mounts += [{\"destination\":\"" + destination + "\",\"type\":\"bind\",\"source\":\"" + source +
              "\",\"options\":[\"rbind\",\"rw\"]}]";
    for (const auto &cap : spec.extra_capabilities)
        for (const char *set : {"bounding", "effective", "permitted"})
            jq += std::string(" | .process.capabilities.") + set + " += [\"" + cap + "\"]";
    if (spec.allow_devices) jq += " | .linux.resources.devices = [{\"allow\":true,\"access\":\"rwm\"}]";
    jq += " | .root.readonly=false";

    const std::string image = spec.overlay_rootfs ? "image" : "rootfs";
    const std::string overlay =
        spec.overlay_rootfs ? "mkdir -p upper work rootfs; mount -t overlay overlay -o lowerdir=image,upperdir=upper,"
                              "workdir=work rootfs; "
                            : "";
    const std::string programs =
        spec.host_userland
            ? "mkdir -p " + image + "/usr " + image + "/var/lib/dpkg; for l in bin lib lib64 sbin; do ln -s usr/$l " +
                  image + "/$l; done; "
            : "mkdir -p " + image + "/bin; cp \"$(command -v busybox)\" " + image + "/bin/busybox; for l in " + links +
                  "; do ln -sf busybox " + image + "/bin/$l; done; echo container-host > " + image + "/etc/hostname; ";
    const std::string setup = "set -e; cd " + bundle_ + "; mkdir -p " + image + "/tmp " + image + "/etc; " +
                              programs + overlay +
                              "runc spec; jq " + shell_quote(jq) + " config.json > config.json.new; "
                              "mv config.json.new config.json";
    std::string out;
    if (run_shell(setup, &out) != 0) {
        error = "the runc bundle could not be made: " + out;
        return false;
    }
    return true;
}

bool RuncContainer::start(const ContainerSpec &spec, std::string &error) {
    if (!build_bundle(spec, {"sleep", "600"}, error)) return false;
    std::string out;
    if (run_shell("runc run -d --bundle " + bundle_ + " " + name_ + " </dev/null >/dev/null", &out) != 0) {
        error = "runc container did not start: " + out;
        return false;
    }
    std::string state;
    run_shell("runc state " + name_ + " | jq -r .pid", &state);
    init_pid_ = std::atoi(state.c_str());
    struct stat st{};
    const std::string dir = cgroup2_mount() + spec.cgroups_path;
    if (stat(dir.c_str(), &st) != 0) {
        error = "the container's cgroup " + dir + " does not exist";
        return false;
    }
    cgroup_id_ = st.st_ino;
    return true;
}

int RuncContainer::run_to_end(const ContainerSpec &spec, const std::vector<std::string> &args, std::string &error) {
    if (!build_bundle(spec, args, error)) return -1;
    // in the foreground: runc removes the container, and its cgroup, when it ends
    const int status = run_shell("runc run --bundle " + bundle_ + " " + name_ + " </dev/null >/dev/null");
    name_.clear();
    return status;
}

int RuncContainer::exec(const std::string &shell_command) { return run({"/bin/sh", "-c", shell_command}); }

int RuncContainer::run(const std::vector<std::string> &argv) {
    std::string command = "runc exec " + name_;
    for (const auto &a : argv) command += " " + shell_quote(a);
    return run_shell(command + " </dev/null");
}

RuncContainer::~RuncContainer() {
    if (!name_.empty()) run_shell("runc delete -f " + name_ + " >/dev/null");
    if (!bundle_.empty()) run_shell("umount " + bundle_ + "/rootfs 2>/dev/null; rm -rf " + bundle_);
}

}  // namespace crowsnest::test
