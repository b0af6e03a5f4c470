// Which profile an event's container belongs to. A workload is what runs the
// same code in the same role, so replicas and restarts share one profile:
//
//   in Kubernetes  <namespace>/<owner>/<container name>@<image repository>
//                  "shop/checkout/api@registry.example/shop/checkout"
//   elsewhere      <container name>@<image repository>   "web@nginx"
//   last resort    id:<container id>  (no runtime record, or no name or image)
//
// The owner is the pod's name without what its controller appended
// (pod_owner_name). A pod label named by `owner_label` (config
// profiles.key_label, e.g. app.kubernetes.io/name) replaces it when present.
#pragma once

#include <string>
#include <string_view>

#include "event/container_info.h"
#include "event/workload_info.h"

namespace crowsnest {

// "checkout-7f9c5d8b4-x2v4q" -> "checkout" (Deployment: template hash and
// random suffix), "web-0" -> "web" (StatefulSet), "agent-x2v4q" -> "agent"
// (DaemonSet, Job), "backup-28461520-x2v4q" -> "backup" (CronJob). The
// suffixes are recognised by the alphabet Kubernetes draws them from; the
// pod's "pod-template-hash" label, when recorded, is used exactly.
std::string pod_owner_name(std::string_view pod_name, const Labels &pod_labels);

// "" when there is nothing to key by (not a container).
std::string profile_key(const ContainerInfo &container, const WorkloadInfo *workload,
                        std::string_view owner_label = "");

}  // namespace crowsnest
