// Plain C++ implementations that ship in real code bases, compiled for the host CPU.
#pragma once

#include "fpconform/subject.hpp"

namespace fpc::native_subjects {

// "cpu_bits": integer bit-manipulation converters as widely shipped (float32 -> bfloat16 by the
// add-0x7FFF-plus-lsb trick), written as plain loops the compiler vectorises. Always available.
Subject make_cpu_bits_subject();

}  // namespace fpc::native_subjects
