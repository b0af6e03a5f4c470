// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Defines, once for the linked object, the maps and settings of lib/maps.h. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define CROWSNEST_DEFINE_SHARED
#include "lib/maps.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
