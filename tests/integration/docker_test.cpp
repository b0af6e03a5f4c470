// End to end with a real Docker engine (Debian's docker.io): the container
// id in a verdict must be the id Docker itself reports.
#include <signal.h>
#include <unistd.h>

#include <fstream>

#include "harness.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

// A private dockerd kept off the host's network configuration, with its own
// data root; stopped and removed on destruction.
class PrivateDockerd {
public:
    bool start(std::string &error) {
        char tmpl[] = "/tmp/crowsnest-docker-XXXXXX";
        if (!mkdtemp(tmpl)) {
            error = "mkdtemp failed";
            return false;
        }
        dir_ = tmpl;
        host_ = "unix://" + dir_ + "/docker.sock";
        run_shell("dockerd --data-root " + dir_ + "/data --exec-root " + dir_ + "/exec --pidfile " + dir_ +
                  "/dockerd.pid -H " + host_ +
                  " --iptables=false --ip-forward=false --ip-masq=false --bridge=none >" + dir_ +
                  "/dockerd.log 2>&1 &");
        for (int i = 0; i < 150; i++) {
            if (docker("version >/dev/null") == 0) return true;
            usleep(200 * 1000);
        }
        std::string log;
        run_shell("tail -20 " + dir_ + "/dockerd.log", &log);
        error = "dockerd did not come up: " + log;
        return false;
    }
    std::string cli() const { return "docker -H " + host_; }
    int docker(const std::string &args, std::string *out = nullptr) { return run_shell(cli() + " " + args, out); }
    ~PrivateDockerd() {
        if (dir_.empty()) return;
        docker("rm -f $(" + cli() + " ps -aq) >/dev/null 2>&1");
        std::ifstream pidfile(dir_ + "/dockerd.pid");
        pid_t pid = 0;
        if (pidfile >> pid && pid > 0) {
            kill(pid, SIGTERM);
            for (int i = 0; i < 100 && kill(pid, 0) == 0; i++) usleep(100 * 1000);
        }
        run_shell("umount -R " + dir_ + "/data 2>/dev/null; rm -rf " + dir_);
    }

private:
    std::string dir_, host_;
};

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

}  // namespace

TEST_CASE("a Docker container's verdict carries the id Docker reports", "[integration][docker]") {
    if (!have_tool("dockerd") || !have_tool("docker") || !have_tool("busybox"))
        SKIP_OR_FAIL("docker.io and busybox are needed (scripts/setup.sh --tests installs them)");
    SensorProcess sensor;
    START_SENSOR(sensor);
    PrivateDockerd dockerd;
    std::string error;
    if (!dockerd.start(error)) FAIL(error);

    // an image from a local busybox root filesystem: no registry here
    char rootfs[] = "/tmp/crowsnest-rootfs-XXXXXX";
    REQUIRE(mkdtemp(rootfs));
    const std::string root = rootfs;
    REQUIRE(run_shell("mkdir -p " + root + "/bin && cp \"$(command -v busybox)\" " + root +
                      "/bin/busybox && for l in sh sleep xmrig; do ln -s busybox " + root + "/bin/$l; done") == 0);
    REQUIRE(run_shell("tar -C " + root + " -c . | " + dockerd.cli() + " import - crowsnest-test/busybox:1 >/dev/null") == 0);
    run_shell("rm -rf " + root);

    std::string cid;
    REQUIRE(dockerd.docker("run -d --network none crowsnest-test/busybox:1 /bin/sh -c "
                           "'xmrig -o stratum+tcp://pool.example.com:3333 -u wallet; sleep 30'",
                           &cid) == 0);
    cid = trim(cid);
    REQUIRE(cid.size() == 64);

    v1::Verdict v;
    REQUIRE(sensor.wait_verdict(
        [&](const v1::Verdict &m) { return m.rule() == "crypto_miner_binary" && m.container().id() == cid; }, &v,
        std::chrono::seconds(15)));
    CHECK(v.container().id() == cid);
    CHECK(v.container().runtime() == "docker");
    CHECK(v.event().filename() == "/bin/xmrig");
    std::string state_pid;
    dockerd.docker("inspect -f '{{.State.Pid}}' " + cid, &state_pid);
    CHECK(std::stoi(trim(state_pid)) > 0);
}
