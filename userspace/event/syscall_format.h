// Readable forms of the other calls' argument values (EventType::Syscall),
// as Falco writes them: names of requests, commands and flags, so that
// rules can say `evt.arg.request contains PTRACE_ATTACH`. Each appends to
// `out`; a value with no name is written as its number.
#pragma once

#include <cstdint>
#include <string>

namespace crowsnest {

void append_ptrace_request(int64_t request, std::string &out);  // PTRACE_ATTACH
void append_bpf_cmd(int64_t cmd, std::string &out);              // BPF_PROG_LOAD
void append_socket_domain(int64_t domain, std::string &out);     // AF_PACKET
void append_socket_type(int64_t type, std::string &out);         // SOCK_RAW|SOCK_CLOEXEC
void append_socket_flags(int64_t flags, std::string &out);       // SOCK_NONBLOCK|SOCK_CLOEXEC (accept4)
void append_clone_flags(int64_t flags, std::string &out);        // CLONE_NEWNS|CLONE_NEWUSER (unshare, setns)
void append_chmod_mode(int64_t mode, std::string &out);          // S_IRUSR|S_IWUSR|S_ISUID
void append_at_flags(int64_t flags, std::string &out);           // AT_SYMLINK_FOLLOW|AT_EMPTY_PATH (linkat)
void append_dup3_flags(int64_t flags, std::string &out);         // O_CLOEXEC
void append_mount_flags(int64_t flags, std::string &out);        // BIND|REC (Falco's names: no MS_)
void append_umount_flags(int64_t flags, std::string &out);       // FORCE|DETACH
void append_mknod_mode(int64_t mode, std::string &out);          // S_IFBLK|S_IRUSR|S_IWUSR
void append_memfd_flags(int64_t flags, std::string &out);        // MFD_CLOEXEC|MFD_ALLOW_SEALING

}  // namespace crowsnest
