#include "enrich/process_table.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <iterator>

#include "util/path_util.h"

namespace crowsnest {

ProcessTable::ProcessTable(std::string proc_root, size_t capacity)
    : proc_root_(std::move(proc_root)), capacity_(capacity) {}

namespace {

std::string read_file(const std::string &path) {
    std::string out, error;
    read_whole_file(path, out, error);  // a process gone: empty, which the caller rejects
    return out;
}
// "/proc/<pid>/stat": "pid (comm) state ppid ..."; comm may hold spaces and ')'.
bool parse_stat(const std::string &stat, std::string &comm, uint32_t &ppid) {
    size_t open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) return false;
    comm = stat.substr(open + 1, close - open - 1);
    if (close + 4 >= stat.size()) return false;
    char *end = nullptr;
    ppid = uint32_t(std::strtoul(stat.c_str() + close + 4, &end, 10));  // skip ") S "
    return end != stat.c_str() + close + 4;
}

}  // namespace

bool ProcessTable::read_from_proc(uint32_t pid, ProcessInfo &out) {
    const std::string dir = proc_root_ + "/" + std::to_string(pid);
    if (!parse_stat(read_file(dir + "/stat"), out.comm, out.ppid)) return false;
    out.pid = pid;
    out.exe = read_link(dir + "/exe");
    bool cut = false;
    read_cmdline(pid, out.args, cut);
    read_task_facts(dir, id_names_, out.facts);
    return true;
}

bool ProcessTable::read_cmdline(uint32_t pid, std::vector<std::string> &args, bool &cut) const {
    std::string cmdline, error;
    if (!read_whole_file(proc_root_ + "/" + std::to_string(pid) + "/cmdline", cmdline, error, kMaxCmdline + 1))
        return false;
    cut = cmdline.size() > kMaxCmdline;
    if (cut) cmdline.resize(kMaxCmdline);
    split_nul_separated(cmdline, args);
    return !args.empty();
}

size_t ProcessTable::seed() {
    DIR *d = opendir(proc_root_.c_str());
    if (!d) return 0;
    size_t n = 0;
    while (dirent *e = readdir(d)) {
        char *end = nullptr;
        unsigned long pid = std::strtoul(e->d_name, &end, 10);
        if (*end != '\0' || pid == 0) continue;
        ProcessInfo info;
        if (read_from_proc(uint32_t(pid), info)) {
            table_[uint32_t(pid)] = std::move(info);
            n++;
        }
    }
    closedir(d);
    return n;
}

void ProcessTable::prune() {
    gone_.clear();
    if (table_.size() < capacity_) return;
    // exit events were lost: drop what no longer runs
    for (auto it = table_.begin(); it != table_.end();)
        it = (kill(pid_t(it->first), 0) != 0 && errno == ESRCH) ? table_.erase(it) : std::next(it);
    // still full: the table is only a cache, so forget an arbitrary half
    if (table_.size() >= capacity_)
        for (auto it = table_.begin(); table_.size() > capacity_ / 2;) it = table_.erase(it);
}

void ProcessTable::on_exec(const Event &exec) {
    if (exec.ret != 0) return;
    gone_.erase(exec.pid);
    ProcessInfo &p = table_[exec.pid];
    p.pid = exec.pid;
    p.ppid = exec.ppid;
    p.comm = exec.comm;
    if (exec_path_names_no_file(exec.filename)) {
        // fexecve() or /proc/self/exe (busybox re-running itself): the path
        // says nothing, the new image's exe link does (a memfd shows as such)
        std::string link = read_link(proc_root_ + "/" + std::to_string(exec.pid) + "/exe");
        p.exe = link.empty() ? exec.filename : link;
    } else if (exec.filename[0] == '/') {
        p.exe = normalize_path(exec.filename);
    } else {
        // relative: the kernel side sent the directory it starts from
        p.exe = exec.base_dir.empty() ? exec.filename : normalize_path(exec.filename, exec.base_dir);
    }
    p.args = exec.argv;
    read_task_facts(proc_root_ + "/" + std::to_string(exec.pid), id_names_, p.facts);
}

const ProcessInfo *ProcessTable::find(uint32_t pid) {
    auto it = table_.find(pid);
    if (it != table_.end()) return &it->second;
    if (gone_.contains(pid)) return nullptr;
    ProcessInfo info;
    if (!read_from_proc(pid, info)) {
        if (gone_.size() < capacity_) gone_.insert(pid);
        return nullptr;
    }
    return &(table_[pid] = std::move(info));
}

}  // namespace crowsnest
