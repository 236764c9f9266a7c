// The conformance report: its model, its JSON and the merge of shards (one include for the
// commands that write reports; the renderings are in report/render.hpp, report/diff.hpp and
// report/schema.hpp).
#pragma once

#include "report/json.hpp"
#include "report/merge.hpp"
#include "report/model.hpp"
