// sfl::check: the one place C statuses become C++ exceptions.
#include "sfl/sfl.hpp"

namespace sfl {

sfl_status check(sfl_status st, const char *what) {
    if (st < 0) throw Error(st, std::string(what ? what : "sfl") + ": " + sfl_status_string(st));
    return st;
}

} // namespace sfl
