#include "runtime_daemons.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "runc_container.h"

namespace crowsnest::test {
namespace {

// Sends SIGTERM to `pid` and waits up to 10 s for it to go.
void stop_pid(pid_t pid) {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    for (int i = 0; i < 100 && kill(pid, 0) == 0; i++) usleep(100 * 1000);
}

std::string links_command(const std::string &root, const std::vector<std::string> &links) {
    std::string cmd = "mkdir -p " + root + "/bin " + root + "/tmp && cp \"$(command -v busybox)\" " + root +
                      "/bin/busybox";
    for (const auto &l : links) cmd += " && ln -sf busybox " + root + "/bin/" + l;
    return cmd;
}

}  // namespace

bool PrivateDockerd::start(std::string &error) {
    dir_ = temp_dir();
    host_ = "unix://" + dir_ + "/docker.sock";
    run_shell("dockerd --data-root " + dir_ + "/data --exec-root " + dir_ + "/exec --pidfile " + dir_ +
              "/dockerd.pid -H " + host_ +
              " --iptables=false --ip-forward=false --ip-masq=false --bridge=none >" + dir_ + "/dockerd.log 2>&1 &");
    for (int i = 0; i < 150; i++) {
        if (docker("version >/dev/null") == 0) return true;
        usleep(200 * 1000);
    }
    std::string log;
    run_shell("tail -20 " + dir_ + "/dockerd.log", &log);
    error = "dockerd did not come up: " + log;
    return false;
}

int PrivateDockerd::docker(const std::string &args, std::string *out) { return run_shell(cli() + " " + args, out); }

bool PrivateDockerd::import_busybox(const std::string &tag, const std::vector<std::string> &links, std::string &error) {
    const std::string root = temp_dir();
    const bool ok = run_shell(links_command(root, links)) == 0 &&
                    run_shell("tar -C " + root + " -c . | " + cli() + " import - " + tag + " >/dev/null") == 0;
    run_shell("rm -rf " + root);
    if (!ok) error = "could not import a busybox image as " + tag;
    return ok;
}

PrivateDockerd::~PrivateDockerd() {
    if (dir_.empty()) return;
    docker("rm -f $(" + cli() + " ps -aq) >/dev/null 2>&1");
    std::ifstream pidfile(dir_ + "/dockerd.pid");
    pid_t pid = 0;
    if (pidfile >> pid) stop_pid(pid);
    run_shell("umount -R " + dir_ + "/data 2>/dev/null; rm -rf " + dir_);
}

bool PrivateContainerd::start(std::string &error) {
    dir_ = temp_dir();
    {
        std::ofstream config(dir_ + "/config.toml");
        config << "version = 2\nroot = \"" << dir_ << "/root\"\nstate = \"" << dir_ << "/state\"\n"
               << "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n"
               << "[grpc]\n  address = \"" << dir_ << "/containerd.sock\"\n"
               << "[ttrpc]\n  address = \"" << dir_ << "/containerd.sock.ttrpc\"\n"
               << "[debug]\n  address = \"\"\n[metrics]\n  address = \"\"\n";
    }
    std::string pid;
    run_shell("containerd -c " + dir_ + "/config.toml >" + dir_ + "/containerd.log 2>&1 & echo $!", &pid);
    pid_ = std::atoi(pid.c_str());
    for (int i = 0; i < 150; i++) {
        if (run_shell(ctr("default") + " version >/dev/null 2>&1") == 0) return true;
        usleep(200 * 1000);
    }
    std::string log;
    run_shell("tail -20 " + dir_ + "/containerd.log", &log);
    error = "containerd did not come up: " + log;
    return false;
}

std::string PrivateContainerd::busybox_rootfs(const std::vector<std::string> &links) {
    const std::string root = dir_ + "/rootfs-" + std::to_string(links.size()) + "-" + random_container_id().substr(0, 8);
    run_shell(links_command(root, links));
    return root;
}

PrivateContainerd::~PrivateContainerd() {
    if (dir_.empty()) return;
    for (const char *ns : {"k8s.io", "default"})
        run_shell("for c in $(" + ctr(ns) + " c ls -q 2>/dev/null); do " + ctr(ns) + " task rm -f $c >/dev/null 2>&1; " +
                  ctr(ns) + " c rm $c >/dev/null 2>&1; done");
    stop_pid(pid_);
    run_shell("umount -R " + dir_ + "/state " + dir_ + "/root 2>/dev/null; rm -rf " + dir_);
}

namespace {

// A loopback port free now (the kernel's pick), for a daemon to listen on.
int free_port(int type) {
    const int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof(a)) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

bool accepts_tcp(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(uint16_t(port));
    const bool ok = connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof(a)) == 0;
    close(fd);
    return ok;
}

}  // namespace

bool PrivateRsyslog::start(std::string &error) {
    dir_ = temp_dir();
    udp_port_ = free_port(SOCK_DGRAM);
    tcp_port_ = free_port(SOCK_STREAM);
    {
        std::ofstream config(dir_ + "/rsyslog.conf");
        config << "global(workDirectory=\"" << dir_ << "\")\n"
               << "module(load=\"imuxsock\" SysSock.Use=\"off\")\n"
               << "module(load=\"imudp\")\nmodule(load=\"imtcp\")\n"
               // the standard parsers (RFC 5424, then 3164), not the local socket's shortcut
               << "input(type=\"imuxsock\" Socket=\"" << socket_path()
               << "\" UseSpecialParser=\"off\" ParseHostname=\"on\")\n"
               << "input(type=\"imudp\" address=\"127.0.0.1\" port=\"" << udp_port_ << "\")\n"
               << "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" << tcp_port_ << "\")\n"
               << "template(name=\"fields\" type=\"string\" string=\"%syslogseverity% %syslogfacility% "
                  "%hostname% %app-name% %procid% %msgid% %structured-data% %msg%\\n\")\n"
               << "*.* action(type=\"omfile\" file=\"" << dir_ << "/messages\" template=\"fields\")\n";
    }
    std::string pid;
    run_shell("rsyslogd -n -f " + dir_ + "/rsyslog.conf -i " + dir_ + "/rsyslogd.pid >" + dir_ +
                  "/rsyslogd.log 2>&1 & echo $!",
              &pid);
    pid_ = std::atoi(pid.c_str());
    for (int i = 0; i < 100; i++) {
        if (access(socket_path().c_str(), F_OK) == 0 && accepts_tcp(tcp_port_))
            return true;
        usleep(100 * 1000);
    }
    std::string log;
    run_shell("tail -20 " + dir_ + "/rsyslogd.log", &log);
    error = "rsyslogd did not come up: " + log;
    return false;
}

std::vector<std::string> PrivateRsyslog::lines() const {
    std::vector<std::string> out;
    std::ifstream in(dir_ + "/messages");
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

PrivateRsyslog::~PrivateRsyslog() {
    if (dir_.empty()) return;
    stop_pid(pid_);
    run_shell("rm -rf " + dir_);
}

}  // namespace crowsnest::test
