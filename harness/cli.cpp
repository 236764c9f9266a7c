#include "cli.hpp"

#include <ostream>

namespace fpc::cli {

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  (void)out;
  err << "fpconform: usage: fpconform COMMAND ... (" << args.size() << " arguments)\n";
  return 2;
}

int run(int argc, char** argv, std::ostream& out, std::ostream& err) {
  return run(std::vector<std::string>(argv + 1, argv + argc), out, err);
}

}  // namespace fpc::cli
