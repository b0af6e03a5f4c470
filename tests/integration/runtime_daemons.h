// Real container engines for the tests, each private to the test: its own
// state, sockets and data under a temporary directory, kept off the host's
// network configuration, stopped and removed on destruction.
#pragma once

#include <string>
#include <vector>

namespace crowsnest::test {

// dockerd (Debian's docker.io).
class PrivateDockerd {
public:
    bool start(std::string &error);
    ~PrivateDockerd();
    std::string cli() const { return "docker -H " + host_; }
    int docker(const std::string &args, std::string *out = nullptr);
    // dockerd's --data-root: where it writes containers/<id>/config.v2.json
    std::string data_root() const { return dir_ + "/data"; }
    // Imports a busybox root filesystem as image `tag`, with `links` to busybox in /bin.
    bool import_busybox(const std::string &tag, const std::vector<std::string> &links, std::string &error);

private:
    std::string dir_, host_;
};

// containerd and ctr (Debian's containerd), without its CRI plugin: the
// tests put the annotations kubelet's CRI would write on each container.
class PrivateContainerd {
public:
    bool start(std::string &error);
    ~PrivateContainerd();
    // containerd's --state: where task bundles (config.json) are written
    std::string state_dir() const { return dir_ + "/state"; }
    // `ctr -a <socket> -n <namespace>`
    std::string ctr(const std::string &ns) const { return "ctr -a " + dir_ + "/containerd.sock -n " + ns; }
    // A busybox root filesystem for `ctr run --rootfs`, with `links` in /bin.
    std::string busybox_rootfs(const std::vector<std::string> &links);

private:
    std::string dir_;
    int pid_ = -1;
};

// rsyslogd (Debian's rsyslog), with its own configuration: it listens on a
// datagram socket of its own, on a loopback UDP port and a loopback TCP
// port (octet-counted framing), and writes every message it parses to one
// file as "severity facility hostname app-name procid msgid structured-data msg".
class PrivateRsyslog {
public:
    bool start(std::string &error);
    ~PrivateRsyslog();
    std::string socket_path() const { return dir_ + "/log.sock"; }
    int udp_port() const { return udp_port_; }
    int tcp_port() const { return tcp_port_; }
    // The lines written so far.
    std::vector<std::string> lines() const;

private:
    std::string dir_;
    int pid_ = -1, udp_port_ = 0, tcp_port_ = 0;
};

}  // namespace crowsnest::test
