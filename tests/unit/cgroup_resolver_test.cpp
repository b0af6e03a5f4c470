// find_cgroup2_mount on mountinfo texts, and CgroupResolver on this
// machine's real cgroup2 mount (ids are the inodes of cgroup directories).
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "enrich/cgroup_resolver.h"

using crowsnest::CgroupEntry;
using crowsnest::CgroupResolver;
using crowsnest::find_cgroup2_mount;

namespace {

std::string mount_of(const std::string &mountinfo) {
    std::istringstream in(mountinfo);
    return find_cgroup2_mount(in);
}

// The cgroup2 mount of this machine, or "" (with a warning) when the test
// cannot use it: no cgroup2, or not root (creating cgroups needs root).
std::string usable_cgroup2_mount() {
    std::ifstream in("/proc/self/mountinfo");
    const std::string mount = find_cgroup2_mount(in);
    if (mount.empty()) {
        WARN("skipped: no cgroup2 mount in /proc/self/mountinfo");
        return "";
    }
    if (geteuid() != 0) {
        WARN("skipped: CgroupResolver tests need root (open_by_handle_at, mkdir in " + mount + ")");
        return "";
    }
    return mount;
}

// This process's cgroup v2 path, from the "0::<path>" line of /proc/self/cgroup.
std::string own_cgroup_path() {
    std::ifstream in("/proc/self/cgroup");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("0::", 0) == 0) return line.substr(3);
    return "";
}

uint64_t inode_of(const std::string &path) {
    struct stat st {};
    REQUIRE(stat(path.c_str(), &st) == 0);
    return st.st_ino;
}

// A cgroup directory created for the test and removed afterwards.
class TestCgroup {
public:
    TestCgroup(const std::string &mount, const std::string &rel) : dir_(mount + rel), rel_(rel) {
        REQUIRE(mkdir(dir_.c_str(), 0755) == 0);
    }
    ~TestCgroup() { remove(); }
    void remove() {
        if (!removed_) rmdir(dir_.c_str());
        removed_ = true;
    }
    const std::string &dir() const { return dir_; }
    const std::string &rel() const { return rel_; }

private:
    std::string dir_, rel_;
    bool removed_ = false;
};

// Runs `fn` in a child process without CAP_DAC_READ_SEARCH (so that
// open_by_handle_at fails with EPERM) and returns what it wrote, or
// "<child failed>".
template <typename F>
std::string in_child_without_handles(F fn) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
        __user_cap_data_struct caps[2]{};
        if (syscall(SYS_capget, &hdr, caps) != 0) _exit(2);
        caps[0].effective &= ~(1u << CAP_DAC_READ_SEARCH);
        if (syscall(SYS_capset, &hdr, caps) != 0) _exit(3);
        const std::string out = fn();
        if (write(fds[1], out.data(), out.size()) != ssize_t(out.size())) _exit(4);
        _exit(0);
    }
    close(fds[1]);
    std::string out;
    char buf[512];
    for (ssize_t n; (n = read(fds[0], buf, sizeof(buf))) > 0;) out.append(buf, size_t(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? out : "<child failed>";
}

}  // namespace

// ---- find_cgroup2_mount -----------------------------------------------------

TEST_CASE("find_cgroup2_mount: hybrid layout (cgroup v1 controllers + unified)", "[cgroup_resolver]") {
    const std::string mountinfo =
        "25 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
        "31 23 0:28 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
        "32 31 0:29 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 "
        "rw,nsdelegate\n"
        "33 31 0:30 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup "
        "rw,xattr,name=systemd\n"
        "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:14 - cgroup cgroup rw,memory\n";
    CHECK(mount_of(mountinfo) == "/sys/fs/cgroup/unified");
}

TEST_CASE("find_cgroup2_mount: unified layout", "[cgroup_resolver]") {
    const std::string mountinfo =
        "22 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
        "26 22 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
        "30 26 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
        "rw,nsdelegate,memory_recursiveprot\n";
    CHECK(mount_of(mountinfo) == "/sys/fs/cgroup");
}

TEST_CASE("find_cgroup2_mount: a mount point with escaped characters", "[cgroup_resolver]") {
    CHECK(mount_of("40 22 0:40 / /mnt/my\\040cgroups rw,relatime shared:20 - cgroup2 none rw\n") ==
          "/mnt/my cgroups");
    CHECK(mount_of("40 22 0:40 / /mnt/tab\\011and\\134slash rw - cgroup2 none rw\n") == "/mnt/tab\tand\\slash");
}

TEST_CASE("find_cgroup2_mount: no optional fields, several cgroup2 mounts", "[cgroup_resolver]") {
    const std::string mountinfo = "40 22 0:40 / /first rw - cgroup2 cgroup2 rw\n"
                                  "41 22 0:40 / /second rw shared:3 master:1 - cgroup2 cgroup2 rw\n";
    CHECK(mount_of(mountinfo) == "/first");
    CHECK(mount_of("41 22 0:40 / /tagged rw shared:3 master:1 propagate_from:2 - cgroup2 cgroup2 rw\n") == "/tagged");
}

TEST_CASE("find_cgroup2_mount: no cgroup2 at all", "[cgroup_resolver]") {
    CHECK(mount_of("").empty());
    CHECK(mount_of("25 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
                   "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:14 - cgroup cgroup rw,memory\n")
              .empty());
    // "cgroup2" as a source or an option is not the file system type
    CHECK(mount_of("50 22 0:50 / /run/x rw - tmpfs cgroup2 rw,cgroup2\n").empty());
    // a line without the " - " separator is skipped
    CHECK(mount_of("garbage line cgroup2 cgroup2\n").empty());
}

// ---- CgroupResolver on the real cgroup2 mount -------------------------------

TEST_CASE("CgroupResolver: resolves this process's own cgroup", "[cgroup_resolver][root]") {
    const std::string mount = usable_cgroup2_mount();
    if (mount.empty()) return;
    const std::string own = own_cgroup_path();
    REQUIRE_FALSE(own.empty());
    const uint64_t id = inode_of(mount + (own == "/" ? "" : own));

    CgroupResolver r(mount);
    CHECK(r.mount_point() == mount);
    const CgroupEntry *e = r.resolve(id);
    REQUIRE(e != nullptr);
    CHECK(e->path == own);
    CHECK(e->container.id == crowsnest::parse_cgroup_path(own).id);
    CHECK(r.cached() == 1);
    // cached: the same entry again
    CHECK(r.resolve(id) == e);
    CHECK(r.cached() == 1);
}

TEST_CASE("CgroupResolver: the root cgroup resolves to /", "[cgroup_resolver][root]") {
    const std::string mount = usable_cgroup2_mount();
    if (mount.empty()) return;
    CgroupResolver r(mount);
    const CgroupEntry *e = r.resolve(inode_of(mount));
    REQUIRE(e != nullptr);
    CHECK(e->path == "/");
    CHECK(e->container.id.empty());
}

TEST_CASE("CgroupResolver: an unknown id is nullptr and not cached", "[cgroup_resolver][root]") {
    const std::string mount = usable_cgroup2_mount();
    if (mount.empty()) return;
    CgroupResolver r(mount);
    const uint64_t unknown = 0x7ffffffffff0ull;
    CHECK(r.resolve(unknown) == nullptr);
    CHECK(r.resolve(unknown) == nullptr);  // the retry is throttled, still unknown
    CHECK(r.cached() == 0);
}

TEST_CASE("CgroupResolver: a new cgroup resolves, and is forgotten once removed", "[cgroup_resolver][root]") {
    const std::string mount = usable_cgroup2_mount();
    if (mount.empty()) return;
    const std::string name = "/crowsnest-unit-" + std::to_string(getpid());
    TestCgroup parent(mount, name);
    TestCgroup child(mount, name + "/inner");
    const uint64_t parent_id = inode_of(parent.dir());
    const uint64_t child_id = inode_of(child.dir());

    CgroupResolver r(mount);
    const CgroupEntry *c = r.resolve(child_id);
    REQUIRE(c != nullptr);
    CHECK(c->path == child.rel());
    CHECK(c->container.id.empty());
    const CgroupEntry *p = r.resolve(parent_id);
    REQUIRE(p != nullptr);
    CHECK(p->path == parent.rel());
    CHECK(r.cached() == 2);

    std::vector<std::string> gone;
    r.forget_removed(gone);  // both still exist
    CHECK(r.cached() == 2);

    child.remove();
    r.forget_removed(gone);
    CHECK(r.cached() == 1);
    CHECK(gone.empty());  // not containers
    CHECK(r.resolve(child_id) == nullptr);
    REQUIRE(r.resolve(parent_id) != nullptr);
    CHECK(r.resolve(parent_id)->path == parent.rel());

    parent.remove();
    r.forget_removed(gone);
    CHECK(r.cached() == 0);
    CHECK(r.resolve(parent_id) == nullptr);
}

TEST_CASE("CgroupResolver: a container-shaped cgroup carries its container", "[cgroup_resolver][root]") {
    const std::string mount = usable_cgroup2_mount();
    if (mount.empty()) return;
    const std::string id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    TestCgroup parent(mount, "/crowsnest-unit-" + std::to_string(getpid()) + "-docker");
    TestCgroup scope(mount, parent.rel() + "/docker-" + id + ".scope");

    CgroupResolver r(mount);
    const CgroupEntry *e = r.resolve(inode_of(scope.dir()));
    REQUIRE(e != nullptr);
    CHECK(e->path == scope.rel());
    CHECK(e->container.id == id);
    CHECK(e->container.runtime == "docker");

    std::vector<std::string> gone;
    scope.remove();
    r.forget_removed(gone);
    CHECK(gone == std::vector<std::string>{id});  // its workload record can go too
}

TEST_CASE("CgroupResolver: without file handles it walks the tree", "[cgroup_resolver][root]") {
    const std::string mount = usable_cgroup2_mount();
    if (mount.empty()) return;
    TestCgroup parent(mount, "/crowsnest-unit-" + std::to_string(getpid()) + "-scan");
    TestCgroup child(mount, parent.rel() + "/inner");
    const uint64_t child_id = inode_of(child.dir());
    const uint64_t root_id = inode_of(mount);

    const std::string out = in_child_without_handles([&] {
        // file handles really are refused here
        struct {
            file_handle fh;
            uint64_t id;
        } handle{};
        handle.fh.handle_bytes = sizeof(uint64_t);
        handle.fh.handle_type = 0xfe;  // FILEID_KERNFS
        handle.id = child_id;
        const int mount_fd = open(mount.c_str(), O_RDONLY | O_DIRECTORY);
        const bool refused = open_by_handle_at(mount_fd, &handle.fh, O_RDONLY) < 0 && errno == EPERM;
        close(mount_fd);
        if (!refused) return std::string("<handles still work>");

        CgroupResolver r(mount);
        const CgroupEntry *c = r.resolve(child_id);
        const CgroupEntry *root = r.resolve(root_id);
        const CgroupEntry *none = r.resolve(0x7ffffffffff0ull);
        return (c ? c->path : "<null>") + "|" + (root ? root->path : "<null>") + "|" + (none ? none->path : "<null>");
    });
    CHECK(out == child.rel() + "|/|<null>");
}

TEST_CASE("CgroupResolver: a mount point that does not exist resolves nothing", "[cgroup_resolver]") {
    CgroupResolver r("/nonexistent/crowsnest-cgroup2");
    CHECK(r.resolve(1) == nullptr);
    std::vector<std::string> gone;
    r.forget_removed(gone);
    CHECK(r.cached() == 0);
}
