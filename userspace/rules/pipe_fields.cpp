// proc.stdin.writer.*, proc.stdout.reader.*, proc.connects and proc.accepts: the other
// ends of a process's stdin and stdout pipes, from the pipe join
// (enrich/pipe_join.h). In `curl … | sh` the shell's exec names curl as
// its stdin's writer, and curl's exec or connect names sh as its stdout's
// reader, whichever of the two came first.
#include "rules/rule_fields.h"

namespace crowsnest {

bool FieldReader::read_pipe(const FieldRef &f, FieldValue &out) {
    if (f.info->id == FieldId::ProcConnects || f.info->id == FieldId::ProcAccepts) {
        if (!ctx_->pipe_self) return false;
        out.num = f.info->id == FieldId::ProcConnects ? ctx_->pipe_self->connects : ctx_->pipe_self->accepts;
        return true;
    }
    const bool writers = f.info->fd == 0;
    const auto &peers = writers ? ctx_->stdin_writers : ctx_->stdout_readers;
    if (peers.empty()) return false;
    switch (f.info->id) {
    case FieldId::ProcPipePeerConnected:
    case FieldId::ProcPipePeerAccepted: {
        const bool connects = f.info->id == FieldId::ProcPipePeerConnected;
        out.boolean = false;
        for (const PipePeer *p : peers) out.boolean = out.boolean || (connects ? p->connects : p->accepts) > 0;
        return true;
    }
    case FieldId::ProcPipePeerNames:
    case FieldId::ProcPipePeerExePath:
    case FieldId::ProcPipePeerArgs: {
        const size_t kind = f.info->id == FieldId::ProcPipePeerNames ? 0 : f.info->id == FieldId::ProcPipePeerExePath ? 1 : 2;
        auto &values = peer_values_[writers ? 0 : 1][kind];
        values.clear();
        for (const PipePeer *p : peers) {
            if (kind == 0) values.insert(values.end(), p->names.begin(), p->names.end());
            else values.push_back(kind == 1 ? p->exe : p->args);
        }
        out.items = values.data();
        out.count = values.size();
        return true;
    }
    default: return false;
    }
}

}  // namespace crowsnest
