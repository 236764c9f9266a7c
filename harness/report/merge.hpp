// Merging the reports of a sharded run (fpconform run --shard i/N): the merged report equals the
// report the unsharded run writes.
#pragma once

#include "report/model.hpp"

#include <vector>

namespace fpc {

// Joins the reports of the shards of one run into the report the unsharded run writes.
Report merge_reports(const std::vector<Report>& shards);

}  // namespace fpc
